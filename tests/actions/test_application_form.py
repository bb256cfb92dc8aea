"""The application form's validation against a real backend (tracker fixtures, real HTTP)."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.application import ValidateApplicationForm, suggest_type
from actions.backend_client import backend
from tests.actions.conftest import form_tracker

VALID_ID = "11010519491231002X"


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_wrong_checksum_twice_explains_and_offers_a_person(live_backend: Any,
                                                                 domain: dict[str, Any]) -> None:
    action = ValidateApplicationForm()
    wrong = VALID_ID[:17] + "1"
    dispatcher = CollectingDispatcher()
    tracker = form_tracker(text=wrong, set_slot=("applicant_id_number", wrong),
                           slots={"applicant_name": "王秀英"})
    events = slot_events(await action.run(dispatcher, tracker, domain))
    assert events["applicant_id_number"] is None
    assert events["failed_attempts"] == {"applicant_id_number": 1}
    assert "校验" in dispatcher.messages[0]["text"]
    assert not dispatcher.messages[0]["buttons"]

    dispatcher = CollectingDispatcher()
    tracker = form_tracker(text=wrong, set_slot=("applicant_id_number", wrong),
                           slots={"applicant_name": "王秀英", "failed_attempts": events["failed_attempts"]})
    events = slot_events(await action.run(dispatcher, tracker, domain))
    assert events["failed_attempts"] == {"applicant_id_number": 2}
    assert "18位" in dispatcher.messages[0]["text"]  # said differently the second time
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/request_human"


async def test_answer_is_saved_to_the_draft_at_once_and_masked_in_the_slot(
        live_backend: Any, domain: dict[str, Any]) -> None:
    action = ValidateApplicationForm()
    tracker = form_tracker(text=f"我的身份证 {VALID_ID}", set_slot=("applicant_id_number",
                                                                  f"我的身份证 {VALID_ID}"))
    events = slot_events(await action.run(CollectingDispatcher(), tracker, domain))
    assert events["applicant_id_number"] == "110***********002X"
    assert events["unsynced"] is None
    draft = await backend().latest_draft(tracker.sender_id)
    assert draft["case_no"] == events["case_no"]
    assert draft["applicant"]["id_number_masked"] == "110***********002X"


async def test_backend_down_keeps_the_answer_and_sends_it_later(
        switch_backend: Any, domain: dict[str, Any]) -> None:
    action = ValidateApplicationForm()
    await switch_backend(up=False)
    dispatcher = CollectingDispatcher()
    tracker = form_tracker(text="我叫王秀英", set_slot=("applicant_name", "我叫王秀英"))
    down = slot_events(await action.run(dispatcher, tracker, domain))
    assert down["applicant_name"] == "王秀英"  # the conversation goes on
    assert down["unsynced"] == {"applicant_name": "王秀英"}
    assert "不会丢" in dispatcher.messages[0]["text"]

    await switch_backend(up=True)
    tracker = form_tracker(text="13800001234", set_slot=("applicant_phone", "13800001234"),
                           slots={"applicant_name": "王秀英", "unsynced": down["unsynced"]},
                           sender=tracker.sender_id)
    up = slot_events(await action.run(CollectingDispatcher(), tracker, domain))
    assert up["unsynced"] is None
    assert up["applicant_phone"] == "138****1234"
    draft = await backend().latest_draft(tracker.sender_id)
    assert (draft["applicant"]["name"], draft["applicant"]["phone_masked"]) == (
        "王秀英", "138****1234")


async def test_colloquial_amounts_are_saved_as_numbers(live_backend: Any,
                                                       domain: dict[str, Any]) -> None:
    action = ValidateApplicationForm()
    tracker = form_tracker(text="一万二", set_slot=("deposits", "一万二"))
    events = slot_events(await action.run(CollectingDispatcher(), tracker, domain))
    assert events["deposits"] == "12000"
    case = await backend().get_case(events["case_no"], tracker.sender_id)
    assert case["deposits"] == 12000.0


def test_type_suggestion() -> None:
    assert suggest_type(can_work=True, has_supporter=True, emergency=True)[0] == "linshi"
    assert suggest_type(can_work=False, has_supporter=False, emergency=False)[0] == "tekun"
    assert suggest_type(can_work=True, has_supporter=False, emergency=False)[0] == "dibao"
