"""Certificate, linked benefits and objections, against the real backend on loopback."""

from __future__ import annotations

import copy
import json
import secrets
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import recipient_services as rs
from tests.actions.conftest import TRACKERS
from tests.e2e.ids import make_id, masked
from tests.e2e.stack import STAFF_PASSWORD, Stack, http_json

REVIEW = ("accepted", "verifying", "reviewing", "approved")


@pytest.fixture(scope="module")
def staff(backend_stack: Stack) -> dict[str, str]:
    backend_stack.backend_cli("staff", "create", "--username", "recipient-city", "--password",
                              STAFF_PASSWORD, "--role", "city")
    status, body = http_json("POST", f"{backend_stack.backend_url}/api/v1/staff/login",
                             {"username": "recipient-city", "password": STAFF_PASSWORD})
    assert status == 200, body
    return {"Authorization": f"Bearer {body['token']}"}


def approved_case(stack: Stack, staff: dict[str, str], sender: str, *,
                  assistance_type: str = "dibao", id_number: str | None = None) -> dict[str, Any]:
    """A whole application filed from `sender`'s chat, approved by staff over HTTP."""
    service = {"Authorization": f"Bearer {stack.env['SERVICE_TOKEN']}"}
    status, case = http_json("POST", f"{stack.backend_url}/api/v1/service/cases", {
        "channel_user": sender, "assistance_type": assistance_type, "applicant_name": "赵春花",
        "applicant_id_number": id_number or make_id("19600101", secrets.randbelow(900) + 1),
        "applicant_phone": "13800001234", "district": "万州区", "street": "高笋塘街道",
        "address": "白岩路1号", "hukou_type": "urban", "hardship": "一个人住，身体不好，没有收入。"},
        service)
    assert status == 201, case
    for target in REVIEW:
        status, case = http_json("POST", f"{stack.backend_url}/api/v1/cases/{case['case_no']}"
                                 "/transitions", {"to": target, "reason": "审核"}, staff)
        assert status == 200, case
    return case


def plain_tracker(sender: str, text: str, intent: str) -> Tracker:
    return Tracker.from_dict({
        "sender_id": sender, "slots": {}, "active_loop": {},
        "latest_message": {"text": text, "intent": {"name": intent}, "entities": []},
        "events": [{"event": "user", "text": text}]})


def objection_tracker(*, text: str, slots: dict[str, Any] | None = None,
                      set_slot: tuple[str, Any] | None = None, intent: str = "inform",
                      sender: str | None = None) -> Tracker:
    """The saved objection-form tracker with this answer and this slot candidate."""
    state = copy.deepcopy(json.loads((TRACKERS / "objection_form.json").read_text()))
    state["sender_id"] = sender or f"test-{secrets.token_hex(6)}"
    state["slots"].update(slots or {})
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    state["latest_message"] = parse
    state["events"][-1].update(text=text, parse_data=parse)
    if set_slot:
        state["slots"][set_slot[0]] = set_slot[1]
        state["events"].append({"event": "slot", "name": set_slot[0], "value": set_slot[1]})
    return Tracker.from_dict(state)


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


@pytest.fixture
def sender() -> Iterator[str]:
    yield f"recipient-{secrets.token_hex(6)}"


async def test_certificate_link_downloads_the_pdf(live_backend: Stack, staff: dict[str, str],
                                                  sender: str, domain: dict[str, Any]) -> None:
    id_number = make_id("19600101", 417)
    case = approved_case(live_backend, staff, sender, id_number=id_number)
    dispatcher = CollectingDispatcher()
    events = await rs.ActionIssueCertificate().run(
        dispatcher, plain_tracker(sender, "开个救助证明", "request_certificate"), domain)
    assert slot_events(events) == {"last_case_no": case["case_no"]}
    [message] = dispatcher.messages
    text = message["text"]
    assert "最低生活保障（低保）" in text and "万州区" in text and "验证码" in text
    assert id_number not in text and masked(id_number) not in text
    url = next(line for line in text.splitlines() if "/certificates/download/" in line)
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert (await response.read()).startswith(b"%PDF-")


async def test_no_certificate_before_approval(live_backend: Stack, sender: str,
                                              domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    events = await rs.ActionIssueCertificate().run(
        dispatcher, plain_tracker(sender, "我要低保证明", "request_certificate"), domain)
    assert events == []
    assert "没有找到已经批准的救助" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[0]["buttons"] == [rs.PROGRESS_BUTTON]


async def test_benefits_of_an_approved_dibao(live_backend: Stack, staff: dict[str, str],
                                             sender: str, domain: dict[str, Any]) -> None:
    tracker = plain_tracker(sender, "我能享受哪些优惠", "ask_benefits")
    dispatcher = CollectingDispatcher()
    assert await rs.ActionShowBenefits().run(dispatcher, tracker, domain) == []
    assert dispatcher.messages[0]["text"] == rs.NO_APPROVAL_BENEFITS

    approved_case(live_backend, staff, sender)
    dispatcher = CollectingDispatcher()
    await rs.ActionShowBenefits().run(dispatcher, tracker, domain)
    text = dispatcher.messages[0]["text"]
    assert "免申即享" in text
    for name, agency in (("医疗救助", "医保局"), ("城乡居民医保参保资助", "医保局"),
                         ("有线电视费减免", "广电网络公司"), ("垃圾处置费减免", "城市管理局"),
                         ("电费减免", "供电公司")):
        assert f"{name}（{agency}）" in text


async def test_temporary_assistance_brings_no_linked_benefits(
        live_backend: Stack, staff: dict[str, str], sender: str, domain: dict[str, Any]) -> None:
    approved_case(live_backend, staff, sender, assistance_type="linshi")
    dispatcher = CollectingDispatcher()
    await rs.ActionShowBenefits().run(dispatcher, plain_tracker(sender, "我有哪些优惠",
                                                                "ask_benefits"), domain)
    assert "没有联动的优惠项目" in dispatcher.messages[0]["text"]


async def test_notice_number_is_understood_as_typed(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    events = slot_events(await rs.ValidateObjectionForm().run(
        dispatcher, objection_tracker(text="编号是 gs261204 7kq2mx",
                                      set_slot=("objection_notice_no", "编号是 gs261204 7kq2mx")),
        domain))
    assert events["objection_notice_no"] == "GS261204-7KQ2MX"
    assert dispatcher.messages == []


async def test_a_wrong_notice_number_twice_is_explained_differently(
        domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    events = slot_events(await rs.ValidateObjectionForm().run(
        dispatcher, objection_tracker(text="不晓得", set_slot=("objection_notice_no", "不晓得")),
        domain))
    assert events["objection_notice_no"] is None
    assert events["failed_attempts"] == {"objection_notice_no": 1}
    assert dispatcher.messages[0]["text"] == rs.NOTICE_NO_HELP

    dispatcher = CollectingDispatcher()
    await rs.ValidateObjectionForm().run(dispatcher, objection_tracker(
        text="123", set_slot=("objection_notice_no", "123"),
        slots={"failed_attempts": {"objection_notice_no": 1}}), domain)
    assert rs.NOTICE_NO_EXPLAIN in dispatcher.messages[0]["text"]
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/request_human"

    events = slot_events(await rs.ValidateObjectionForm().run(CollectingDispatcher(), objection_tracker(
        text="GS261204-7KQ2MX", set_slot=("objection_notice_no", "GS261204-7KQ2MX"),
        slots={"failed_attempts": {"objection_notice_no": 2}}), domain))
    assert events == {"objection_notice_no": "GS261204-7KQ2MX", "failed_attempts": None}


@pytest.mark.parametrize(("answer", "intent", "expected"), [
    ("我的电话138 0000 5678", "inform", "13800005678"),
    ("不留了", "inform", rs.NO_CONTACT),
    ("/deny", "deny", rs.NO_CONTACT),
    ("晚上打到村委会找老刘", "inform", "晚上打到村委会找老刘"),
])
async def test_contact_answers(answer: str, intent: str, expected: str,
                               domain: dict[str, Any]) -> None:
    events = slot_events(await rs.ValidateObjectionForm().run(
        CollectingDispatcher(), objection_tracker(text=answer, intent=intent,
                                                  set_slot=("objection_contact", answer)),
        domain))
    assert events["objection_contact"] == expected


def _current_notice(stack: Stack, staff: dict[str, str], case_no: str) -> str:
    status, listing = http_json("GET", f"{stack.backend_url}/api/v1/notices", headers=staff)
    assert status == 200
    return next(n["notice_no"] for n in listing["items"] if n["case_no"] == case_no)


def _objections(stack: Stack, staff: dict[str, str], notice_no: str) -> list[dict[str, Any]]:
    status, listing = http_json("GET", f"{stack.backend_url}/api/v1/objections", headers=staff)
    assert status == 200
    return [o for o in listing["items"] if o["notice_no"] == notice_no]


async def test_objection_reaches_staff_and_survives_a_backend_outage(
        live_backend: Stack, switch_backend: Any, staff: dict[str, str], sender: str,
        domain: dict[str, Any]) -> None:
    case = approved_case(live_backend, staff, f"recipient-{secrets.token_hex(6)}")
    notice_no = _current_notice(live_backend, staff, case["case_no"])
    filled = {"objection_notice_no": notice_no, "objection_reason": "他家儿子开了公司，收入不低",
              "objection_contact": "13800005678"}
    tracker = objection_tracker(text="13800005678", slots=filled, sender=sender)

    await switch_backend(up=False)
    dispatcher = CollectingDispatcher()
    assert await rs.ActionLodgeObjection().run(dispatcher, tracker, domain) == []  # slots kept
    assert dispatcher.messages[0]["text"] == rs.OBJECTION_KEPT

    await switch_backend(up=True)
    for _ in range(2):  # the retry after the outage, then a repeat: one objection in all
        dispatcher = CollectingDispatcher()
        events = await rs.ActionLodgeObjection().run(dispatcher, tracker, domain)
        assert slot_events(events) == dict.fromkeys(rs.OBJECTION_SLOTS)
        assert "万州区民政部门" in dispatcher.messages[0]["text"]
        assert "联系您" in dispatcher.messages[0]["text"]
    [objection] = _objections(live_backend, staff, notice_no)
    assert (objection["contact"], objection["status"]) == ("13800005678", "open")
    assert "开了公司" in objection["reason"]


async def test_objection_to_an_unknown_notice(live_backend: Stack, sender: str,
                                              domain: dict[str, Any]) -> None:
    tracker = objection_tracker(text="不留", sender=sender, slots={
        "objection_notice_no": "GS000101-AAAAAA", "objection_reason": "这个人不符合条件",
        "objection_contact": rs.NO_CONTACT})
    dispatcher = CollectingDispatcher()
    events = await rs.ActionLodgeObjection().run(dispatcher, tracker, domain)
    assert "没有找到这个公示编号" in dispatcher.messages[0]["text"]
    assert slot_events(events) == dict.fromkeys(rs.OBJECTION_SLOTS)


async def test_backend_down_for_certificate_and_benefits(switch_backend: Any, sender: str,
                                                         domain: dict[str, Any]) -> None:
    await switch_backend(up=False)
    dispatcher = CollectingDispatcher()
    await rs.ActionIssueCertificate().run(dispatcher, plain_tracker(sender, "开证明",
                                                                    "request_certificate"), domain)
    await rs.ActionShowBenefits().run(dispatcher, plain_tracker(sender, "我有哪些优惠",
                                                                "ask_benefits"), domain)
    assert [m["text"] for m in dispatcher.messages] == [rs.CERTIFICATE_DOWN, rs.BENEFITS_DOWN]
