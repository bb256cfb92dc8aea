"""UrgentMessagePolicy: urgent help first, then what the message asked for, then listen;
inside a form it leaves the message to the form's validation."""

from __future__ import annotations

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.components.urgent_message_policy import URGENT_ACTION, next_action

FOLLOWUPS = {"apply": ["action_start_application", "application_form"]}


def tracker(*events: Event) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("urgent-test", [ActionExecuted(ACTION_LISTEN_NAME),
                                                            *events])


def said(text: str, intent: str = "inform") -> UserUttered:
    return UserUttered(text, {"name": intent})


def test_urgent_message_gets_urgent_help_first() -> None:
    assert next_action(tracker(said("家里没饭吃了")), FOLLOWUPS) == URGENT_ACTION


def test_after_urgent_help_it_listens() -> None:
    after = tracker(said("我想不开"), ActionExecuted(URGENT_ACTION))
    assert next_action(after, FOLLOWUPS) == ACTION_LISTEN_NAME


def test_after_urgent_help_it_plays_what_the_message_asked_for() -> None:
    events = [said("家里着火了，想申请临时救助", "apply"), ActionExecuted(URGENT_ACTION)]
    assert next_action(tracker(*events), FOLLOWUPS) == "action_start_application"
    events.append(ActionExecuted("action_start_application"))
    assert next_action(tracker(*events), FOLLOWUPS) == "application_form"
    events += [ActionExecuted("application_form"), ActiveLoop("application_form")]
    assert next_action(tracker(*events), FOLLOWUPS) is None  # the form asks, then listens


def test_inside_a_form_the_form_validation_handles_it() -> None:
    in_form = tracker(ActiveLoop("application_form"), ActionExecuted(ACTION_LISTEN_NAME),
                      said("老伴住院了"))
    assert next_action(in_form, FOLLOWUPS) is None


def test_ordinary_messages_and_button_payloads_are_left_alone() -> None:
    assert next_action(tracker(said("低保一个月多少钱")), FOLLOWUPS) is None
    assert next_action(tracker(said('/inform{"x":"住院"}')), FOLLOWUPS) is None
    answered = tracker(said("低保一个月多少钱"), ActionExecuted("action_answer_policy"))
    assert next_action(answered, FOLLOWUPS) is None
