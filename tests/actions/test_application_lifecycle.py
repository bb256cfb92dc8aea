"""Starting, resuming and submitting, against the real backend."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.application_lifecycle import ActionStartApplication, ActionSubmitApplication
from actions.backend_client import backend
from tests.actions.conftest import form_tracker


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def fresh_tracker(sender: str, text: str, intent: str) -> Tracker:
    """A conversation that remembers nothing (a new session, or a lost tracker)."""
    return Tracker.from_dict({
        "sender_id": sender, "slots": {},
        "latest_message": {"text": text, "intent": {"name": intent}, "entities": []},
        "events": [{"event": "user", "text": text}], "active_loop": {}})


async def test_resume_from_the_backend_draft_when_the_tracker_forgot(
        live_backend: Any, domain: dict[str, Any]) -> None:
    sender = "resume-user"
    draft = await backend().create_draft(sender, for_self=True, assistance_type="dibao",
                                         key="resume-draft")
    await backend().update_draft(draft["case_no"], sender, {
        "applicant_name": "赵春花", "applicant_phone": "13800001234", "district": "万州区"})
    dispatcher = CollectingDispatcher()
    events = slot_events(await ActionStartApplication().run(
        dispatcher, fresh_tracker(sender, "继续申请", "continue_application"), domain))
    assert "接着填" in dispatcher.messages[0]["text"]
    assert events["case_no"] == draft["case_no"]
    assert events["applicant_name"] == "赵春花"
    assert events["applicant_phone"] == "138****1234"
    assert events["district"] == "万州区"
    assert events["applicant_id_number"] is None  # the first missing answer is asked next


async def test_new_application_infers_helper_mode(live_backend: Any,
                                                  domain: dict[str, Any]) -> None:
    events = slot_events(await ActionStartApplication().run(
        CollectingDispatcher(), fresh_tracker("new-helper", "帮我妈申请特困", "apply"), domain))
    assert events["applying_for"] == "other"
    assert events["helper_relation"] == "子女"
    assert events["assistance_type"] == "tekun"


async def test_submitting_an_incomplete_draft_asks_for_what_is_missing(
        live_backend: Any, domain: dict[str, Any]) -> None:
    tracker = form_tracker(text="确认提交")
    draft = await backend().create_draft(tracker.sender_id, for_self=True,
                                         assistance_type="dibao", key=tracker.sender_id)
    tracker.slots["case_no"] = draft["case_no"]
    dispatcher = CollectingDispatcher()
    events = slot_events(await ActionSubmitApplication().run(dispatcher, tracker, domain))
    assert "还缺" in dispatcher.messages[0]["text"]
    assert events["confirm_submit"] is None
    assert "applicant_name" in events  # cleared so that the form asks it


async def test_masked_numbers_of_a_resumed_draft_are_kept_not_asked_again(
        live_backend: Any, domain: dict[str, Any]) -> None:
    """Activating the form validates the values just read back from the backend draft."""
    from actions.application import ValidateApplicationForm

    for slot, masked in (("applicant_id_number", "110***********002X"),
                         ("applicant_phone", "138****1234")):
        tracker = form_tracker(text="继续申请", intent="continue_application",
                               slots={"case_no": "DB-RESUMED"}, set_slot=(slot, masked))
        dispatcher = CollectingDispatcher()
        events = await ValidateApplicationForm().run(dispatcher, tracker, domain)
        assert {"event": "slot", "name": slot, "value": masked, "timestamp": None} in events
        assert not dispatcher.messages
    # Without a draft behind it, a typed masked number is no answer.
    tracker = form_tracker(text="110***********002X",
                           set_slot=("applicant_id_number", "110***********002X"))
    events = await ValidateApplicationForm().run(CollectingDispatcher(), tracker, domain)
    assert {"event": "slot", "name": "applicant_id_number", "value": None,
            "timestamp": None} in events
