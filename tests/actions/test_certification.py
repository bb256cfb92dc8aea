"""The certification flow's actions against a real backend (saved tracker, real HTTP)."""

from __future__ import annotations

import copy
import json
import secrets
from datetime import datetime, timedelta, timezone
from typing import Any

import aiohttp
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import backend
from actions.certification import (
    ActionAskCertIdentityAnswer,
    ActionShowCertificationStatus,
    ActionStartCertification,
    ActionSubmitCertification,
    ValidateCertificationForm,
    find_id_tail,
    has_changed,
    still_living_there,
)
from tests.actions.conftest import TRACKERS
from tests.e2e.ids import make_id
from tests.e2e.stack import STAFF_PASSWORD, Stack, http_json

APPLICANT_ID = make_id("19580312", 731)


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("response") or m["text"] for m in dispatcher.messages]


def cert_tracker(sender: str, text: str, slots: dict[str, Any], *,
                 requested: str = "cert_identity_answer", intent: str = "inform") -> Tracker:
    """The saved certification-form tracker: this message answers the `requested` question."""
    state = copy.deepcopy(json.loads((TRACKERS / "certification_form.json").read_text()))
    state["sender_id"] = sender
    state["slots"].update(slots, requested_slot=requested)
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    state["latest_message"] = parse
    state["events"][-1].update(text=text, parse_data=parse)
    state["slots"][requested] = text
    state["events"].append({"event": "slot", "name": requested, "value": text})
    return Tracker.from_dict(state)


def plain_tracker(sender: str, slots: dict[str, Any] | None = None) -> Tracker:
    return Tracker.from_dict({
        "sender_id": sender, "slots": slots or {},
        "latest_message": {"text": "资格认证", "intent": {"name": "certify_eligibility"},
                           "entities": []},
        "events": [{"event": "user", "text": "资格认证"}], "active_loop": {}})


@pytest.fixture(scope="module")
def staff_headers(backend_stack: Stack) -> dict[str, str]:
    username = "cert-" + secrets.token_hex(4)
    backend_stack.backend_cli("staff", "create", "--username", username, "--password",
                              STAFF_PASSWORD, "--role", "city")
    status, body = http_json("POST", f"{backend_stack.backend_url}/api/v1/staff/login",
                             {"username": username, "password": STAFF_PASSWORD})
    assert status == 200
    return {"Authorization": f"Bearer {body['token']}"}


async def approved_case(stack: Stack, staff: dict[str, str], sender: str) -> dict[str, Any]:
    """王秀英's dibao case (3 people, 渝中区解放碑街道) filed from `sender`, approved by staff."""
    case = await backend().request("POST", "/cases", json={
        "channel_user": sender, "assistance_type": "dibao", "applicant_name": "王秀英",
        "applicant_id_number": APPLICANT_ID, "applicant_phone": "13800001234",
        "district": "渝中区", "street": "解放碑街道", "address": "民族路100号",
        "hukou_type": "urban", "hardship": "老伴去世，儿子残疾。",
        "members": [{"relation": "儿子", "name": "李强", "id_number": make_id("19850607", 732)},
                    {"relation": "孙女", "name": "李小雨", "id_number": make_id("20150101", 733)}]})
    async with aiohttp.ClientSession(stack.backend_url, headers=staff) as http:
        for status in ("accepted", "verifying", "reviewing", "approved"):
            async with http.post(f"/api/v1/cases/{case['case_no']}/transitions",
                                 json={"to": status, "reason": "审核通过"}) as response:
                assert response.status == 200, await response.text()
    return case


def true_answer(question: dict[str, str]) -> str:
    return {"name": "我叫王秀英", "id_tail": f"尾号{APPLICANT_ID[-4:]}"}.get(
        question["key"], "一家三口" if "几口人" in question["text"] else "渝中区解放碑街道")


async def start(sender: str, domain: dict[str, Any],
                slots: dict[str, Any] | None = None) -> tuple[dict[str, Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await ActionStartCertification().run(dispatcher, plain_tracker(sender, slots), domain)
    return slot_events(events), dispatcher


async def answer_identity(sender: str, slots: dict[str, Any], domain: dict[str, Any],
                          wrong: str | None = None) -> tuple[dict[str, Any], CollectingDispatcher]:
    """Answer every identity question (the name wrongly, if `wrong`); the last validation."""
    slots = dict(slots)
    for question in slots["cert_questions"]:
        text = wrong if wrong and question["key"] == "name" else true_answer(question)
        dispatcher = CollectingDispatcher()
        events = slot_events(await ValidateCertificationForm().run(
            dispatcher, cert_tracker(sender, text, slots), domain))
        slots.update(events)
    return slots, dispatcher


async def test_identity_questions_then_the_backend_judges(live_backend: Stack,
                                                          staff_headers: dict[str, str],
                                                          domain: dict[str, Any]) -> None:
    sender = "cert-" + secrets.token_hex(4)
    case = await approved_case(live_backend, staff_headers, sender)
    slots, dispatcher = await start(sender, domain)
    assert dispatcher.messages[0]["response"] == "utter_cert_intro"
    assert dispatcher.messages[0]["case_no"] == case["case_no"]
    assert [q["key"] for q in slots["cert_questions"]] == ["name", "id_tail", "fact"]
    assert "解放碑" not in json.dumps(slots, ensure_ascii=False)  # questions only, no facts

    dispatcher = CollectingDispatcher()
    await ActionAskCertIdentityAnswer().run(dispatcher, cert_tracker(sender, "", slots), domain)
    assert "姓名" in dispatcher.messages[0]["text"]
    first = slot_events(await ValidateCertificationForm().run(
        CollectingDispatcher(), cert_tracker(sender, "我叫王秀英", slots), domain))
    assert first["cert_answers"] == {"name": "王秀英"}
    assert first["cert_identity_answer"] is None  # the next identity question comes
    assert first["requested_slot"] == "cert_identity_answer"

    final, dispatcher = await answer_identity(sender, slots, domain)
    assert responses(dispatcher) == ["utter_cert_identity_passed"]
    assert final["cert_verified"] is True and final["cert_answers"] is None
    assert final["requested_slot"] == "cert_still_at_address"


async def test_a_typo_in_the_id_tail_is_asked_again_without_the_backend(
        live_backend: Stack, staff_headers: dict[str, str], domain: dict[str, Any]) -> None:
    sender = "cert-" + secrets.token_hex(4)
    await approved_case(live_backend, staff_headers, sender)
    slots, _ = await start(sender, domain)
    slots["cert_answers"] = {"name": "王秀英"}
    dispatcher = CollectingDispatcher()
    events = slot_events(await ValidateCertificationForm().run(
        dispatcher, cert_tracker(sender, "不记得了", slots), domain))
    assert events["cert_identity_answer"] is None
    assert events["failed_attempts"] == {"cert_identity_answer": 1}
    assert "最后4位" in dispatcher.messages[0]["text"]


async def test_wrong_answers_start_over_and_the_third_failure_stops(
        live_backend: Stack, staff_headers: dict[str, str], domain: dict[str, Any]) -> None:
    sender = "cert-" + secrets.token_hex(4)
    await approved_case(live_backend, staff_headers, sender)
    slots, _ = await start(sender, domain)
    for attempt in range(3):
        final, dispatcher = await answer_identity(sender, slots, domain, wrong="王秀兰")
        text = dispatcher.messages[0]["text"]
        if attempt < 2:
            assert f"还可以再试{2 - attempt}次" in text
            assert final["cert_identity_answer"] is None and final["cert_answers"] is None
            assert final["requested_slot"] == "cert_identity_answer"  # from the first question
        else:
            assert "30分钟" in text
            assert final["cert_stop"] is True and final["requested_slot"] is None
    dispatcher = CollectingDispatcher()
    await ActionSubmitCertification().run(dispatcher, plain_tracker(sender, final), domain)
    assert dispatcher.messages == []  # the reason was already said
    slots, dispatcher = await start(sender, domain)
    assert "30分钟" in dispatcher.messages[0]["text"] and slots["cert_stop"] is True


async def test_changes_are_submitted_and_the_next_due_date_told(
        live_backend: Stack, staff_headers: dict[str, str], domain: dict[str, Any]) -> None:
    sender = "cert-" + secrets.token_hex(4)
    case = await approved_case(live_backend, staff_headers, sender)
    slots, _ = await start(sender, domain)
    slots, _ = await answer_identity(sender, slots, domain)
    form = ValidateCertificationForm()
    for requested, text in (("cert_still_at_address", "搬到渝北区龙溪街道金龙路8号了"),
                            ("cert_household_changed", "没有变化"),
                            ("cert_income_changed", "有，儿子找到工作了，每月三千")):
        slots.update(slot_events(await form.run(
            CollectingDispatcher(), cert_tracker(sender, text, slots, requested=requested), domain)))
    assert slots["cert_still_at_address"] == "no"
    assert slots["cert_address_detail"] == "搬到渝北区龙溪街道金龙路8号了"
    assert slots["cert_household_changed"] == "no" and slots["cert_income_changed"] == "yes"
    assert slots["requested_slot"] is None  # nothing left to ask

    dispatcher = CollectingDispatcher()
    events = slot_events(await ActionSubmitCertification().run(
        dispatcher, plain_tracker(sender, slots), domain))
    assert responses(dispatcher) == ["utter_cert_done", "utter_cert_changes_forwarded"]
    mine = await backend().certifications_of(sender)
    assert dispatcher.messages[0]["next_due"] == mine[0]["next_due_text"]
    assert mine[0]["state"] == "done"
    assert all(value is None for value in events.values())  # everything forgotten

    async with aiohttp.ClientSession(live_backend.backend_url, headers=staff_headers) as http, \
            http.get("/api/v1/case-tasks") as response:
        tasks = await response.json()
    task = next(t for t in tasks["items"] if t["case_no"] == case["case_no"])
    assert "金龙路8号" in task["description"] and "每月三千" in task["description"]
    assert "家庭人口" not in task["description"]


async def test_backend_down_keeps_every_answer_and_resubmits(
        switch_backend: Any, live_backend: Stack, staff_headers: dict[str, str],
        domain: dict[str, Any]) -> None:
    sender = "cert-" + secrets.token_hex(4)
    await approved_case(live_backend, staff_headers, sender)
    slots, _ = await start(sender, domain)
    # The backend goes away before the identity answers can be judged: they wait.
    await switch_backend(up=False)
    slots, dispatcher = await answer_identity(sender, slots, domain)
    assert responses(dispatcher) == ["utter_cert_identity_kept"]
    assert slots["cert_identity_answer"] == "-" and slots["cert_verified"] is None
    assert slots["cert_answers"]["id_tail"] == APPLICANT_ID[-4:]
    slots.update(cert_still_at_address="yes", cert_household_changed="no",
                 cert_income_changed="no")
    dispatcher = CollectingDispatcher()
    events = slot_events(await ActionSubmitCertification().run(
        dispatcher, plain_tracker(sender, slots), domain))
    assert responses(dispatcher) == ["utter_cert_kept"]
    assert events["cert_pending"] and "cert_still_at_address" not in events
    slots.update(events)

    # "资格认证" again once it is back: the same answers go, nothing is asked again.
    await switch_backend(up=True)
    events, dispatcher = await start(sender, domain, slots)
    assert responses(dispatcher) == ["utter_cert_resubmit"]
    assert events == {"cert_stop": None}
    dispatcher = CollectingDispatcher()
    await ActionSubmitCertification().run(dispatcher, plain_tracker(sender, slots), domain)
    assert responses(dispatcher) == ["utter_cert_done"]


async def test_backend_down_at_the_last_step_keeps_the_passed_check(
        switch_backend: Any, live_backend: Stack, staff_headers: dict[str, str],
        domain: dict[str, Any]) -> None:
    sender = "cert-" + secrets.token_hex(4)
    await approved_case(live_backend, staff_headers, sender)
    slots, _ = await start(sender, domain)
    slots, _ = await answer_identity(sender, slots, domain)
    slots.update(cert_still_at_address="yes", cert_household_changed="yes",
                 cert_household_detail="老伴去世了", cert_income_changed="no")
    await switch_backend(up=False)
    dispatcher = CollectingDispatcher()
    events = slot_events(await ActionSubmitCertification().run(
        dispatcher, plain_tracker(sender, slots), domain))
    assert responses(dispatcher) == ["utter_cert_kept"]
    assert events.keys() == {"cert_pending", "cert_verified"} and events["cert_verified"]
    slots.update(events)
    await switch_backend(up=True)
    events, dispatcher = await start(sender, domain, slots)
    assert responses(dispatcher) == ["utter_cert_resubmit"]
    dispatcher = CollectingDispatcher()
    await ActionSubmitCertification().run(dispatcher, plain_tracker(sender, slots), domain)
    assert responses(dispatcher) == ["utter_cert_done", "utter_cert_changes_forwarded"]


async def test_kept_answers_are_reused_for_a_day_only(
        live_backend: Stack, staff_headers: dict[str, str], domain: dict[str, Any]) -> None:
    sender = "cert-" + secrets.token_hex(4)
    await approved_case(live_backend, staff_headers, sender)
    answers = {"cert_still_at_address": "yes", "cert_household_changed": "no",
               "cert_income_changed": "no"}
    an_hour_ago = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    events, _ = await start(sender, domain, {**answers, "cert_pending": an_hour_ago})
    assert events["cert_verification_id"] and not answers.keys() & events.keys()  # kept
    two_days_ago = (datetime.now(timezone.utc) - timedelta(days=2)).isoformat()
    events, _ = await start(sender, domain, {**answers, "cert_pending": two_days_ago})
    assert events["cert_verification_id"] and events["cert_pending"] is None
    assert all(events[slot] is None for slot in answers)  # asked afresh


async def test_status_and_nothing_to_certify(live_backend: Stack, staff_headers: dict[str, str],
                                             domain: dict[str, Any]) -> None:
    sender = "cert-" + secrets.token_hex(4)
    slots, dispatcher = await start(sender, domain)
    assert "只针对已经批准" in dispatcher.messages[0]["text"] and slots["cert_stop"] is True
    dispatcher = CollectingDispatcher()
    await ActionShowCertificationStatus().run(dispatcher, plain_tracker(sender), domain)
    assert responses(dispatcher) == ["utter_cert_nothing_due"]

    case = await approved_case(live_backend, staff_headers, sender)
    dispatcher = CollectingDispatcher()
    await ActionShowCertificationStatus().run(dispatcher, plain_tracker(sender), domain)
    due = datetime.now(timezone(timedelta(hours=8))).date() + timedelta(days=90)  # China dates
    text = dispatcher.messages[0]["text"]
    assert case["case_no"] in text and "未到认证期" in text
    assert f"{due.year}年{due.month}月{due.day}日前" in text
    assert dispatcher.messages[0]["buttons"][0]["title"] == "现在认证"


@pytest.mark.parametrize(("text", "expected"), [
    ("还住在那里", True), ("没搬", True), ("是的", True), ("搬家了", False),
    ("不住那了", False), ("没有", False), ("搬到渝北了", False), ("不清楚", None), ("啥", None)])
def test_still_living_there(text: str, expected: bool | None) -> None:
    assert still_living_there(text) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("没有变化", False), ("没有", False), ("都一样", False), ("有变化", True), ("有", True),
    ("涨工资了", True), ("孙女出生了", True), ("不知道", None)])
def test_has_changed(text: str, expected: bool | None) -> None:
    assert has_changed(text) is expected


def test_id_tail_of_four_or_six() -> None:
    assert find_id_tail("尾号123x") == "123X"
    assert find_id_tail("后六位 12345X") == "12345X"
    assert find_id_tail("12") is None
