"""Escalation to staff: on request, on urgent words, after two low-confidence turns.

The actions run against the real backend; what they created is read back through the
chat user's inbox.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import backend
from actions.escalation import (
    EMERGENCY,
    LOW_CONFIDENCE_SLOT,
    NOT_PASSED_ON,
    PASSED_ON,
    PASSED_ON_URGENT,
    ActionEscalate,
    ActionNotUnderstood,
    ActionUrgentHelp,
    conversation_summary,
)
from actions.policy import DID_YOU_MEAN, ActionAnswerPolicy
from bot.components.urgency import urgent_words_in
from tests.actions.conftest import form_tracker

pytestmark = pytest.mark.usefixtures("live_backend")


def chat(*texts: str, slots: dict[str, Any] | None = None, intent: str = "nlu_fallback",
         sender: str | None = None) -> Tracker:
    """A conversation outside any form whose user said `texts`, the last one just now."""
    events = [{"event": "user", "text": t, "parse_data": {"text": t, "intent": {"name": intent}}}
              for t in texts]
    return Tracker.from_dict({
        "sender_id": sender or f"esc-{secrets.token_hex(6)}", "slots": slots or {},
        "latest_message": events[-1]["parse_data"], "events": events})


def texts_of(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["text"] for m in dispatcher.messages]


def test_urgent_words() -> None:
    assert urgent_words_in("家里断炊三天了，老伴还住院") == ["断炊", "住院"]
    assert urgent_words_in("低保一个月多少钱") == []
    assert urgent_words_in('/inform{"hardship":"住院"}') == []  # a button payload


async def test_urgent_message_gives_emergency_wording_and_an_urgent_escalation() -> None:
    tracker = chat("家里已经断炊了，怎么办", intent="ask_policy")
    dispatcher = CollectingDispatcher()
    events = await ActionUrgentHelp().run(dispatcher, tracker, {})
    assert texts_of(dispatcher) == [EMERGENCY, PASSED_ON_URGENT]
    assert "110" in EMERGENCY and "120" in EMERGENCY
    assert events == [SlotSet(LOW_CONFIDENCE_SLOT, None)]
    [escalation] = await backend().inbox(tracker.sender_id)
    assert escalation["priority"] == "urgent" and escalation["status"] == "open"
    assert escalation["question"] == "家里已经断炊了，怎么办"
    assert "紧急情况：断炊" in escalation["summary"]


async def test_urgent_message_inside_the_form_says_the_form_goes_on() -> None:
    tracker = form_tracker(text="我老伴住院了，家里没钱", intent="inform")
    dispatcher = CollectingDispatcher()
    await ActionUrgentHelp().run(dispatcher, tracker, {})
    assert texts_of(dispatcher)[:2] == [EMERGENCY, PASSED_ON_URGENT]
    assert "接着填申请" in texts_of(dispatcher)[2]
    [escalation] = await backend().inbox(tracker.sender_id)
    assert "用户正在填写：application_form" in escalation["summary"]


async def test_asking_for_a_person_is_normal_priority_and_masks_numbers() -> None:
    tracker = chat("我的身份证号是11010519491231002X", "转人工", intent="request_human")
    dispatcher = CollectingDispatcher()
    await ActionEscalate().run(dispatcher, tracker, {})
    assert texts_of(dispatcher) == [PASSED_ON]
    [escalation] = await backend().inbox(tracker.sender_id)
    assert escalation["priority"] == "normal"
    assert "11010519491231002X" not in escalation["summary"]
    assert "用户要求转人工" in escalation["summary"]


async def test_one_misunderstood_turn_asks_again_the_second_in_a_row_escalates() -> None:
    sender = f"esc-{secrets.token_hex(6)}"
    first = chat("阿巴阿巴", sender=sender)
    dispatcher = CollectingDispatcher()
    events = await ActionNotUnderstood().run(dispatcher, first, {})
    assert events == [SlotSet(LOW_CONFIDENCE_SLOT, 1.0)]
    assert "没太明白" in texts_of(dispatcher)[0] and dispatcher.messages[0]["buttons"]
    assert await backend().inbox(sender) == []

    second = chat("阿巴阿巴", "咕噜咕噜", sender=sender, slots={LOW_CONFIDENCE_SLOT: 1.0})
    dispatcher = CollectingDispatcher()
    events = await ActionNotUnderstood().run(dispatcher, second, {})
    assert events == [SlotSet(LOW_CONFIDENCE_SLOT, None)]
    assert texts_of(dispatcher)[-1] == PASSED_ON
    [escalation] = await backend().inbox(sender)
    assert escalation["question"] == "咕噜咕噜" and escalation["priority"] == "normal"
    assert "连续两次没有听懂用户的话" in escalation["summary"]


async def test_low_confidence_turns_must_be_consecutive() -> None:
    sender = f"esc-{secrets.token_hex(6)}"
    tracker = chat("阿巴", "低保多少钱", "咕噜", sender=sender, slots={LOW_CONFIDENCE_SLOT: 1.0})
    events = await ActionNotUnderstood().run(CollectingDispatcher(), tracker, {})
    assert events == [SlotSet(LOW_CONFIDENCE_SLOT, 3.0)]
    assert await backend().inbox(sender) == []


async def test_unanswerable_policy_question_offers_near_misses_then_escalates() -> None:
    sender = f"esc-{secrets.token_hex(6)}"
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerPolicy().run(dispatcher, chat("年审期间还发钱吗", sender=sender,
                                                             intent="ask_policy"), {})
    [message] = dispatcher.messages
    assert DID_YOU_MEAN in message["text"] and "依据" not in message["text"]
    titles = [b["title"] for b in message["buttons"]]
    assert titles[-1] == "转人工" and len(titles) >= 2
    assert all(b["payload"] == b["title"] for b in message["buttons"][:-1])  # asks it as typed
    assert events == [SlotSet(LOW_CONFIDENCE_SLOT, 1.0)]

    dispatcher = CollectingDispatcher()
    await ActionAnswerPolicy().run(
        dispatcher, chat("年审期间还发钱吗", "明天会下雨吗", sender=sender, intent="ask_policy",
                         slots={LOW_CONFIDENCE_SLOT: 1.0}), {})
    assert texts_of(dispatcher)[-1] == PASSED_ON
    [escalation] = await backend().inbox(sender)
    assert "连续两次答不上来的政策问题" in escalation["summary"]


async def test_other_province_question_is_not_a_low_confidence_turn() -> None:
    events = await ActionAnswerPolicy().run(CollectingDispatcher(),
                                            chat("上海低保一个月多少钱", intent="ask_policy"), {})
    assert events == []


async def test_backend_down_says_so_politely(switch_backend: Any) -> None:
    await switch_backend(up=False)
    dispatcher = CollectingDispatcher()
    await ActionUrgentHelp().run(dispatcher, chat("我不想活了"), {})
    assert texts_of(dispatcher) == [EMERGENCY, NOT_PASSED_ON]  # the emergency wording still


def test_summary_is_bounded() -> None:
    long = "很长的话" * 2000
    summary = conversation_summary(chat(long, long, long, long, long, long), [long] * 5, "测试")
    assert len(summary) <= 3000 and summary.startswith("转人工原因：测试")


async def test_form_validation_handles_urgent_words_and_still_checks_the_answer(
        domain: dict[str, Any]) -> None:
    from actions.application import ValidateApplicationForm

    tracker = form_tracker(text="我住院了没有手机", set_slot=("applicant_phone", "我住院了没有手机"))
    dispatcher = CollectingDispatcher()
    events = await ValidateApplicationForm().run(dispatcher, tracker, domain)
    assert texts_of(dispatcher)[:2] == [EMERGENCY, PASSED_ON_URGENT]
    # ... and the answer is still checked: this is no phone number.
    assert {"event": "slot", "name": "applicant_phone", "value": None, "timestamp": None} in events
    [escalation] = await backend().inbox(tracker.sender_id)
    assert escalation["priority"] == "urgent"

    hardship = "老伴住院了，没钱治病"
    tracker = form_tracker(text=hardship, set_slot=("hardship", hardship))
    events = await ValidateApplicationForm().run(CollectingDispatcher(), tracker, domain)
    assert {"event": "slot", "name": "hardship", "value": hardship, "timestamp": None} in events


async def test_form_resuming_after_a_question_does_not_escalate_again(
        domain: dict[str, Any]) -> None:
    from actions.application import ValidateApplicationForm

    state = form_tracker(text="家里没饭吃了，低保多少钱").current_state()
    state["events"] += [{"event": "action", "name": "action_answer_policy"},
                        {"event": "bot", "text": "依据：……"},
                        {"event": "action", "name": "application_form"}]
    tracker = Tracker.from_dict(state)
    dispatcher = CollectingDispatcher()
    await ValidateApplicationForm().run(dispatcher, tracker, domain)
    assert EMERGENCY not in texts_of(dispatcher)
    assert await backend().inbox(tracker.sender_id) == []


async def test_fallback_answers_a_policy_question_it_can_and_otherwise_says_so() -> None:
    from actions.policy import ActionFallback

    dispatcher = CollectingDispatcher()
    events = await ActionFallback().run(dispatcher, chat("存款多少就不能办低保了"), {})
    [message] = dispatcher.messages
    assert "依据：" in message["text"] and "存款" in message["text"]
    assert events == [SlotSet(LOW_CONFIDENCE_SLOT, None), FollowupAction("action_listen")]

    dispatcher = CollectingDispatcher()
    events = await ActionFallback().run(dispatcher, chat("阿巴阿巴"), {})
    assert "没太明白" in texts_of(dispatcher)[0]
    assert events == [SlotSet(LOW_CONFIDENCE_SLOT, 1.0), FollowupAction("action_listen")]


async def test_not_understood_offers_again_the_buttons_just_shown() -> None:
    """A name typed where the bot offered 签署授权书: that button again, not the main menu."""
    sign = {"title": "签署授权书", "payload": "/sign"}
    events = [{"event": "user", "text": "确认提交", "parse_data": {"intent": {"name": "submit"}}},
              {"event": "bot", "text": "申请已提交！"},
              {"event": "bot", "text": "下一步：……签署这份授权书", "data": {"buttons": [sign]}},
              {"event": "user", "text": "李秀兰", "parse_data": {"intent": {"name": "inform"}}}]
    tracker = Tracker.from_dict({"sender_id": f"esc-{secrets.token_hex(6)}", "slots": {},
                                 "latest_message": events[-1]["parse_data"], "events": events})
    dispatcher = CollectingDispatcher()
    await ActionNotUnderstood().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert message["buttons"] == [sign, {"title": "转人工", "payload": "/request_human"}]

    dispatcher = CollectingDispatcher()  # nothing offered just before: the main menu
    await ActionNotUnderstood().run(dispatcher, chat("阿巴阿巴"), {})
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == ["申请救助", "查询进度", "转人工"]
