"""The pre-check actions against a real backend (tracker dicts, CollectingDispatcher, HTTP)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import standards
from actions.backend_client import backend
from actions.precheck import (
    LABEL,
    RECORD_LATER,
    ActionPrecheckResult,
    ActionStartPrecheck,
    ActionStopPrecheck,
    ValidatePrecheckForm,
    household_size,
    housing_code,
    total_amount,
    vehicle_answer,
)
from actions.standards_cli import set_figure
from tests.e2e.ids import make_id

ALONE_IN_SHIZHU = {  # an old man on his own: the 特困 case, decidable without any amount
    "precheck_district": "石柱土家族自治县", "precheck_hukou": "rural", "precheck_size": "1",
    "precheck_income": "0", "precheck_deposits": "0", "precheck_housing": "borrowed",
    "precheck_vehicle": "0", "precheck_can_work": "no", "precheck_has_supporter": "no",
    "precheck_emergency": "no"}
FAMILY_IN_YUZHONG = {**ALONE_IN_SHIZHU, "precheck_district": "渝中区", "precheck_hukou": "urban",
                     "precheck_size": "3", "precheck_income": "2100", "precheck_housing": "one",
                     "precheck_can_work": "yes", "precheck_has_supporter": None}


def precheck_tracker(slots: dict[str, Any], *, text: str = "没有", intent: str = "inform",
                     active_loop: str | None = "precheck_form", sender: str | None = None,
                     set_slot: tuple[str, Any] | None = None) -> Tracker:
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_listen"},
                                    {"event": "user", "text": text, "parse_data": parse}]
    slots = dict(slots)
    if set_slot:
        slots[set_slot[0]] = set_slot[1]
        events.append({"event": "slot", "name": set_slot[0], "value": set_slot[1]})
    return Tracker.from_dict({
        "sender_id": sender or f"precheck-{secrets.token_hex(6)}", "slots": slots,
        "latest_message": parse, "events": events, "paused": False, "followup_action": None,
        "active_loop": {"name": active_loop} if active_loop else {},
        "latest_action_name": "action_listen"})


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def recorded(stack: Any, sender: str) -> list[dict[str, Any]]:
    """The pre-check rows the backend stored for this chat user (read from its database)."""
    path = stack.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT p.inputs, p.result, c.case_no FROM eligibility_precheck p "
            "LEFT JOIN assistance_case c ON c.id = p.case_id WHERE p.channel_user = ? "
            "ORDER BY p.id", (sender,)).fetchall()
    return [{"inputs": json.loads(i), "result": json.loads(r), "case_no": c} for i, r, c in rows]


@pytest.fixture
def yuzhong_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Standards with test figures for 渝中区 (the shipped files have no amounts)."""
    directory = tmp_path / "standards"
    shutil.copytree(standards.STANDARDS_DIR, directory)
    set_figure(directory, district="渝中区", field="dibao_urban", value=800,
               effective=dt.date(2025, 1, 1), source="测试用文号〔2025〕1号")
    monkeypatch.setattr(standards, "STANDARDS_DIR", directory)
    return directory


# Free-text answers ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "size"), [
    ("三口人", 3), ("一家五口", 5), ("就我一个", 1), ("4", 4), ("我和老伴两个人", 2), ("两", 2),
    ("不知道", None), ("100口人", None)])
def test_household_size(text: str, size: int | None) -> None:
    assert household_size(text) == size


@pytest.mark.parametrize(("text", "amount"), [
    ("两千五", 2500), ("我一千五，老伴八百", 2300), ("没有收入", 0), ("每个月一共三千左右", 3000),
    ("退休金两千还有租金五百", 2500), ("1.2万", 12000), ("三口人收入两千", 2000), ("不清楚", None)])
def test_total_amount(text: str, amount: float | None) -> None:
    assert total_amount(text) == amount


@pytest.mark.parametrize(("text", "code"), [
    ("只有一套自住房", "one"), ("有两套及以上住房", "several"), ("租房住", "rent"),
    ("借住亲戚家", "borrowed"), ("没有房子", "none"), ("住的单位宿舍", "other")])
def test_housing_code(text: str, code: str) -> None:
    assert housing_code(text) == code


@pytest.mark.parametrize(("text", "answer"), [
    ("没有", "0"), ("有一辆，值三万", "30000"), ("有个面包车", "unknown"), ("残疾人代步车", "0"),
    ("嗯", "unknown"), ("啊这", None)])
def test_vehicle_answer(text: str, answer: str | None) -> None:
    assert vehicle_answer(text) == answer


# The form -------------------------------------------------------------------------------

async def test_answers_are_parsed_and_the_supporter_is_asked_only_of_those_who_cannot_work(
        domain: dict[str, Any]) -> None:
    form = ValidatePrecheckForm()
    asked = {"precheck_district": "渝中区", "precheck_hukou": "urban"}
    events = slot_events(await form.run(CollectingDispatcher(), precheck_tracker(
        asked, set_slot=("precheck_income", "我一千五，老伴八百")), domain))
    assert events["precheck_income"] == "2300"
    assert events["requested_slot"] == "precheck_size"  # the first open question, in order
    done = {**FAMILY_IN_YUZHONG, "precheck_can_work": None, "precheck_emergency": None}
    events = slot_events(await form.run(CollectingDispatcher(), precheck_tracker(
        done, set_slot=("precheck_can_work", "干不了")), domain))
    assert events["precheck_can_work"] == "no"
    cannot_work = await form.required_slots(form.domain_slots(domain), CollectingDispatcher(),
                                            precheck_tracker({**done, **events}), domain)
    assert "precheck_has_supporter" in cannot_work
    events = slot_events(await form.run(CollectingDispatcher(), precheck_tracker(
        done, set_slot=("precheck_can_work", "能干活")), domain))
    assert events["requested_slot"] == "precheck_emergency"


async def test_a_second_failed_answer_is_explained_differently_with_a_person_offered(
        domain: dict[str, Any]) -> None:
    form = ValidatePrecheckForm()
    dispatcher = CollectingDispatcher()
    first = slot_events(await form.run(dispatcher, precheck_tracker(
        {}, set_slot=("precheck_size", "不晓得")), domain))
    assert first["precheck_size"] is None and "几口人" in dispatcher.messages[0]["text"]
    assert not dispatcher.messages[0]["buttons"]
    dispatcher = CollectingDispatcher()
    await form.run(dispatcher, precheck_tracker(
        {"failed_attempts": first["failed_attempts"]}, set_slot=("precheck_size", "不晓得")), domain)
    assert "一个人过就说“就我一个”" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/request_human"


# The result -----------------------------------------------------------------------------

async def test_tekun_result_is_labelled_cited_offered_and_recorded(live_backend: Any,
                                                                  domain: dict[str, Any]) -> None:
    tracker = precheck_tracker(ALONE_IN_SHIZHU, active_loop=None)
    dispatcher = CollectingDispatcher()
    events = slot_events(await ActionPrecheckResult().run(dispatcher, tracker, domain))
    message = dispatcher.messages[-1]
    assert LABEL in message["text"]
    assert "建议申请：特困人员救助供养" in message["text"]
    assert "依据：《特困人员认定办法》第四条、第五条、第六条；《社会救助暂行办法》第十四条" in message["text"]
    assert "还没有核实" not in message["text"]  # no amount was needed for this household
    assert [b["payload"] for b in message["buttons"]] == ["我要申请特困", "/request_human"]
    assert events == {"precheck_unsynced": None}
    [row] = recorded(live_backend, tracker.sender_id)
    assert row["result"]["suggested"] == ["tekun"] and row["result"]["label"] == LABEL
    assert row["inputs"]["district"] == "石柱土家族自治县" and row["inputs"]["size"] == 1
    assert row["case_no"] is None


async def test_a_missing_amount_is_named_and_the_district_office_pointed_to(
        live_backend: Any, domain: dict[str, Any]) -> None:
    tracker = precheck_tracker(FAMILY_IN_YUZHONG, active_loop=None)
    dispatcher = CollectingDispatcher()
    await ActionPrecheckResult().run(dispatcher, tracker, domain)
    text = dispatcher.messages[-1]["text"]
    assert "人均约700元" in text
    assert "还看不出符合哪一种" in text and "依据：《重庆市城乡居民最低生活保障条例》第十条" in text
    assert "还没有核实的数字：渝中区城市低保标准。具体标准请向渝中区民政局或所在街道（乡镇）社会救助窗口咨询。" in text
    [row] = recorded(live_backend, tracker.sender_id)
    assert row["result"]["missing_figures"] == ["渝中区:dibao_urban"]


async def test_with_a_verified_standard_dibao_is_suggested_with_the_figure_source(
        live_backend: Any, yuzhong_figures: Path, domain: dict[str, Any]) -> None:
    tracker = precheck_tracker({**FAMILY_IN_YUZHONG}, active_loop=None)
    dispatcher = CollectingDispatcher()
    await ActionPrecheckResult().run(dispatcher, tracker, domain)
    text = dispatcher.messages[-1]["text"]
    assert "建议申请：低保。人均月收入约700元，低于渝中区城市低保标准800元/人·月（测试用文号〔2025〕1号" in text
    assert "依据：《重庆市城乡居民最低生活保障条例》第十条；《社会救助暂行办法》第九条" in text
    assert "还没有核实" not in text


async def test_income_above_both_lines_is_said_plainly_with_both_citations(
        live_backend: Any, yuzhong_figures: Path, domain: dict[str, Any]) -> None:
    tracker = precheck_tracker({**FAMILY_IN_YUZHONG, "precheck_income": "3900"}, active_loop=None)
    dispatcher = CollectingDispatcher()
    await ActionPrecheckResult().run(dispatcher, tracker, domain)
    message = dispatcher.messages[-1]
    assert "暂时不符合低保和低保边缘家庭的条件" in message["text"]
    assert "人均收入也超过了低保标准的1.5倍（约1200元）" in message["text"]
    assert "《关于加强低收入人口动态监测做好分层分类社会救助工作的意见》第二部分" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/apply", "/request_human"]


async def test_the_type_asked_about_is_answered_even_when_it_does_not_fit(
        live_backend: Any, yuzhong_figures: Path, domain: dict[str, Any]) -> None:
    tracker = precheck_tracker({**FAMILY_IN_YUZHONG, "precheck_asked_type": "tekun"},
                               active_loop=None)
    dispatcher = CollectingDispatcher()
    await ActionPrecheckResult().run(dispatcher, tracker, domain)
    text = dispatcher.messages[-1]["text"]
    assert "您问的特困：还有劳动能力" in text and "《特困人员认定办法》第四条" in text


async def test_backend_down_shows_the_result_and_keeps_the_record_for_later(
        switch_backend: Any, backend_stack: Any, domain: dict[str, Any]) -> None:
    await switch_backend(up=False)
    tracker = precheck_tracker(ALONE_IN_SHIZHU, active_loop=None)
    dispatcher = CollectingDispatcher()
    events = slot_events(await ActionPrecheckResult().run(dispatcher, tracker, domain))
    text = dispatcher.messages[-1]["text"]
    assert LABEL in text and "建议申请：特困人员救助供养" in text and RECORD_LATER in text
    assert len(events["precheck_unsynced"]) == 1

    await switch_backend(up=True)
    again = precheck_tracker({**FAMILY_IN_YUZHONG, "precheck_unsynced": events["precheck_unsynced"]},
                             active_loop=None, sender=tracker.sender_id)
    dispatcher = CollectingDispatcher()
    events = slot_events(await ActionPrecheckResult().run(dispatcher, again, domain))
    assert events["precheck_unsynced"] is None and RECORD_LATER not in dispatcher.messages[-1]["text"]
    rows = recorded(backend_stack, tracker.sender_id)
    assert [r["result"]["suggested"] for r in rows] == [["tekun"], []]  # in the order given


# In the middle of the application -------------------------------------------------------

async def draft_with_family(sender: str) -> str:
    draft = await backend().create_draft(sender, for_self=True, assistance_type="dibao",
                                         key=f"draft-{sender}")
    for relation, name, number, income in (("儿子", "李强", make_id("19850607", 311), 2500),
                                           ("孙女", "李小雨", make_id("20150101", 402), 0)):
        await backend().add_member(draft["case_no"], sender, {
            "relation": relation, "name": name, "id_number": number, "monthly_income": income,
            "health": "healthy"}, key=f"{sender}-{number[-4:]}")
    return str(draft["case_no"])


async def test_start_reuses_what_the_application_already_holds(live_backend: Any,
                                                               domain: dict[str, Any]) -> None:
    sender = f"precheck-{secrets.token_hex(6)}"
    case_no = await draft_with_family(sender)
    application = {"case_no": case_no, "district": "渝中区", "hukou_type": "urban",
                   "members_done": True, "other_income": "1000", "deposits": "12000",
                   "housing": "只有一套自住房", "vehicle": "没有", "requested_slot": "business"}
    tracker = precheck_tracker(application, text="帮我算算够不够条件", intent="precheck",
                               active_loop="application_form", sender=sender)
    dispatcher = CollectingDispatcher()
    events = slot_events(await ActionStartPrecheck().run(dispatcher, tracker, domain))
    assert events["precheck_return_to"] == "application_form"
    assert (events["precheck_size"], events["precheck_income"]) == ("3", "3500")
    assert events["precheck_district"] == "渝中区" and events["precheck_deposits"] == "12000"
    assert events["precheck_can_work"] is None  # not known yet: it will be asked
    assert "申请里已经填过的（区县、户口、家庭人口、收入、存款、住房、车辆）我直接用" in dispatcher.messages[0]["text"]

    # At activation the form validates what was filled in and asks the first open question.
    prefilled = {k: v for k, v in events.items() if k.startswith("precheck_") and v is not None}
    activation = Tracker.from_dict({**tracker.current_state(), "events": [
        *tracker.events, *({"event": "slot", "name": k, "value": v} for k, v in prefilled.items())],
        "slots": {**tracker.slots, **prefilled}})
    validated = slot_events(await ValidatePrecheckForm().run(CollectingDispatcher(), activation, domain))
    assert (validated["precheck_housing"], validated["precheck_vehicle"]) == ("one", "0")
    assert validated["requested_slot"] == "precheck_can_work"


async def test_result_in_the_application_resumes_it_and_links_the_record_to_the_draft(
        live_backend: Any, domain: dict[str, Any]) -> None:
    sender = f"precheck-{secrets.token_hex(6)}"
    case_no = await draft_with_family(sender)
    tracker = precheck_tracker({**FAMILY_IN_YUZHONG, "case_no": case_no,
                                "precheck_return_to": "application_form"},
                               active_loop=None, sender=sender)
    dispatcher = CollectingDispatcher()
    events = await ActionPrecheckResult().run(dispatcher, tracker, domain)
    assert events[-1] == {"event": "active_loop", "name": "application_form",
                          "timestamp": events[-1].get("timestamp")}
    assert slot_events(events)["precheck_return_to"] is None
    assert LABEL in dispatcher.messages[-1]["text"] and "我们接着填申请。" in dispatcher.messages[-1]["text"]
    assert not dispatcher.messages[-1]["buttons"]  # no "apply" offer: the application goes on
    [row] = recorded(live_backend, sender)
    assert row["case_no"] == case_no


async def test_cancel_goes_back_to_the_application_or_just_stops(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionStopPrecheck().run(dispatcher, precheck_tracker(
        {"precheck_return_to": "application_form"}, text="取消", intent="cancel"), domain)
    assert events[-1]["name"] == "application_form" and "接着填申请" in dispatcher.messages[0]["text"]
    dispatcher = CollectingDispatcher()
    events = await ActionStopPrecheck().run(dispatcher, precheck_tracker(
        {}, text="取消", intent="cancel"), domain)
    assert events[-1]["event"] == "active_loop" and events[-1]["name"] is None
