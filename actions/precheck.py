"""The eligibility pre-check: a few questions, then a reference result with its citations.

Started on its own ("我能不能办低保") or in the middle of the application: answers the
application already holds are reused rather than asked again, and the application resumes
at the same question afterwards. The result (inputs and outcome) is recorded in the backend;
while the backend is down the record waits in the `precheck_unsynced` slot.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from dataclasses import asdict
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import drafts, parsing, texts
from actions.attempts import accept, reject
from actions.backend_client import BackendRefused, BackendUnavailable, backend
from actions.escalation import UrgentWordsInForms
from actions.policy_texts import library
from actions.standards import (
    Assessment,
    Household,
    Rule,
    StandardsError,
    assess,
    current_standards,
    yuan,
)

log = logging.getLogger(__name__)

APPLICATION_FORM = "application_form"
LABEL = "仅供参考，以审核确认结果为准"
SLOTS = ["precheck_district", "precheck_hukou", "precheck_size", "precheck_income",
         "precheck_deposits", "precheck_housing", "precheck_vehicle", "precheck_can_work",
         "precheck_has_supporter", "precheck_emergency"]
# What each answer is called when the person is told it was reused from the application.
REUSED_NAMES = {"precheck_district": "区县", "precheck_hukou": "户口", "precheck_size": "家庭人口",
                "precheck_income": "收入", "precheck_deposits": "存款", "precheck_housing": "住房",
                "precheck_vehicle": "车辆", "precheck_can_work": "劳动能力",
                "precheck_has_supporter": "赡养人", "precheck_emergency": "急难情况"}
SHORT_TYPE_NAMES = {"dibao": "低保", "tekun": "特困", "dibao_edge": "低保边缘家庭",
                    "linshi": "临时救助"}
HOUSING_NAMES = {"none": "没有住房", "one": "一套自住房", "rent": "租房住", "borrowed": "借住",
                 "several": "两套及以上住房", "other": "其他情况"}

STARTED = "好的，帮您做个资格预检，问几个问题，一次一个。结果仅供参考，以审核确认结果为准。"
STOPPED = "好的，不做预检了。"
RESUMING = "我们接着填申请。"
RECORD_LATER = "系统暂时连不上，这次预检的记录先留在对话里，下次再保存，不影响您看结果。"
STANDARDS_BROKEN = "预检暂时用不了（标准数据有问题），已经记下了。您可以直接申请，或者转人工问问。"


# Free-text answers -----------------------------------------------------------------------

_ALONE = ("就我一个", "我一个人", "一个人", "独居", "就我自己", "只有我", "孤寡", "单身")
_PEOPLE = re.compile(r"[\d一二两三四五六七八九十]+\s*(口人|口|个人|位)")
_FILLERS = ("一共", "一起", "一个月", "每个月", "每月", "一月", "大概", "左右", "差不多")


def household_size(text: str) -> int | None:
    """'三口人' → 3, '就我一个' → 1, '4' → 4."""
    if any(word in text for word in _ALONE):
        return 1
    count = parsing.parse_count(text)
    if count is None:
        value = parsing.chinese_number(text.strip(" 。，,人口个"))
        count = int(value) if value and value == int(value) else None
    return count if count and 1 <= count <= 30 else None


def total_amount(text: str) -> float | None:
    """The sum of the amounts in an answer: '我一千五，老伴八百' → 2300, '没有' → 0."""
    cleaned = _PEOPLE.sub("", text)
    for filler in _FILLERS:
        cleaned = cleaned.replace(filler, "")
    parts = [p for p in re.split(r"[，,、；;+＋]|还有|另外|加上|加", cleaned) if p.strip()]
    amounts = [parsing.parse_amount(part) for part in parts]
    found = [a for a in amounts if a is not None]
    return round(sum(found), 2) if found else None


def housing_code(text: str) -> str | None:
    if re.search(r"(两|二|2|三|3|几|多)\s*(套|处)", text):
        return "several"
    if "租" in text:
        return "rent"
    if any(word in text for word in ("借住", "亲戚", "寄住", "住朋友")):
        return "borrowed"
    if any(word in text for word in ("没有房", "没房", "无房", "没得房", "无住房")) or \
            parsing.yes_or_no(text) is False:
        return "none"
    if any(word in text for word in ("一套", "自住", "自己的房", "自建房", "老房子", "住房", "房子")):
        return "one"
    return "other" if len(text.strip(" 。，,")) >= 2 else None


def vehicle_answer(text: str) -> str | None:
    """'0' for no vehicle, its value in 元, or 'unknown' for a vehicle of unknown value."""
    rest = re.sub(r"[一两二三四五\d]\s*(辆|台|部)", "", text).strip(" 。，,")
    if parsing.yes_or_no(rest) is False or any(w in rest for w in ("没车", "没得车", "无车", "代步")):
        return "0"
    amount = parsing.parse_amount(rest)
    if amount is not None and amount >= 100:
        return f"{amount:g}"
    if parsing.yes_or_no(rest) or "车" in rest:
        return "unknown"
    return None


# Household and reuse ---------------------------------------------------------------------

def _yes(value: Any) -> bool | None:
    return None if value is None else value == "yes"


def household_from(tracker: Tracker) -> Household:
    slot = tracker.get_slot
    vehicle = slot("precheck_vehicle")
    return Household(
        district=str(slot("precheck_district")), hukou=slot("precheck_hukou"),
        size=int(slot("precheck_size") or 1), monthly_income=float(slot("precheck_income") or 0),
        deposits=float(slot("precheck_deposits") or 0), housing=slot("precheck_housing"),
        vehicle_value=None if vehicle == "unknown" else float(vehicle or 0),
        can_work=_yes(slot("precheck_can_work")),
        has_supporter=_yes(slot("precheck_has_supporter")),
        emergency=_yes(slot("precheck_emergency")))


async def _draft_incomes(tracker: Tracker) -> tuple[list[float], int] | None:
    """(monthly incomes, number of household members) of the application: the applicant's
    income when known, then each member's, saved or still waiting; None when unknown."""
    members = list((tracker.get_slot("unsynced") or {}).get(drafts.MEMBERS_KEY, []))
    incomes: list[float] = []
    case_no = tracker.get_slot("case_no")
    if case_no:
        try:
            case = await backend().get_case(str(case_no), tracker.sender_id)
        except (BackendUnavailable, BackendRefused):
            return None
        if case["applicant"].get("monthly_income") is not None:
            incomes.append(float(case["applicant"]["monthly_income"]))
        members = [m for m in case["members"] if m.get("role", "member") == "member"] + members
    return incomes + [float(m.get("monthly_income") or 0) for m in members], len(members)


async def reused_answers(tracker: Tracker) -> dict[str, str]:
    """Pre-check answers the application already holds (as the pre-check's validators take
    them), so that they are not asked again."""
    slot = tracker.get_slot
    pairs = {"precheck_district": slot("district"), "precheck_hukou": slot("hukou_type"),
             "precheck_deposits": slot("deposits"), "precheck_housing": slot("housing"),
             "precheck_vehicle": slot("vehicle"), "precheck_can_work": slot("advice_can_work"),
             "precheck_has_supporter": slot("advice_has_supporter"),
             "precheck_emergency": slot("advice_emergency")}
    values = {name: str(value) for name, value in pairs.items() if value not in (None, "")}
    if slot("members_done") and (draft := await _draft_incomes(tracker)) is not None:
        incomes, members = draft
        values["precheck_size"] = str(1 + members)
        if slot("other_income") is not None:
            values["precheck_income"] = f"{sum(incomes) + float(slot('other_income')):g}"
    return values


class ActionStartPrecheck(Action):
    """Reset the pre-check, fill in what the application knows, remember where to return."""

    def name(self) -> str:
        return "action_start_precheck"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        in_application = (tracker.active_loop or {}).get("name") == APPLICATION_FORM
        reused = await reused_answers(tracker)
        text = STARTED
        if reused:
            names = "、".join(REUSED_NAMES[name] for name in SLOTS if name in reused)
            text += f"\n申请里已经填过的（{names}）我直接用，不再问。"
        dispatcher.utter_message(text=text)
        asked = parsing.parse_assistance_type(tracker.latest_message.get("text", ""))
        return [*(SlotSet(name, None) for name in SLOTS),
                *(SlotSet(name, value) for name, value in reused.items()),
                SlotSet("precheck_asked_type", asked),
                SlotSet("precheck_return_to", APPLICATION_FORM if in_application else None)]


class ValidatePrecheckForm(UrgentWordsInForms, FormValidationAction):
    def name(self) -> str:
        return "validate_precheck_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if tracker.get_slot("precheck_can_work") == "no":
            return SLOTS
        return [name for name in SLOTS if name != "precheck_has_supporter"]

    async def validate_precheck_district(self, value: Any, dispatcher: CollectingDispatcher,
                                         tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        district = parsing.find_district(str(value))
        if district is None:
            return reject("precheck_district", tracker, dispatcher,
                          "没有找到这个区县，请说重庆的区县名字。")
        return accept("precheck_district", tracker, district)

    async def validate_precheck_hukou(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = str(value)
        hukou = text if text in ("urban", "rural") else parsing.parse_hukou(text)
        if hukou is None:
            return reject("precheck_hukou", tracker, dispatcher, "是城镇户口还是农村户口？")
        return accept("precheck_hukou", tracker, hukou)

    async def validate_precheck_size(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        size = household_size(str(value))
        if size is None:
            return reject("precheck_size", tracker, dispatcher,
                          "没听明白几口人，说个数就行，比如“三口人”，一个人过就说“就我一个”。")
        return accept("precheck_size", tracker, str(size))

    async def validate_precheck_income(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        amount = total_amount(str(value))
        if amount is None or amount > 10_000_000:
            return reject("precheck_income", tracker, dispatcher,
                          "没听明白金额，说个大概数就行，比如“两千五”，没有收入就说“没有”。")
        return accept("precheck_income", tracker, f"{amount:g}")

    async def validate_precheck_deposits(self, value: Any, dispatcher: CollectingDispatcher,
                                         tracker: Tracker, domain: DomainDict
                                         ) -> dict[str, Any]:
        amount = parsing.parse_amount(str(value))
        if amount is None or amount > 100_000_000:
            return reject("precheck_deposits", tracker, dispatcher,
                          "没听明白金额，说个大概数就行，比如“五千”，没有就说“没有”。")
        return accept("precheck_deposits", tracker, f"{amount:g}")

    async def validate_precheck_housing(self, value: Any, dispatcher: CollectingDispatcher,
                                        tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = str(value)
        code = text if text in HOUSING_NAMES else housing_code(text)
        if code is None:
            return reject("precheck_housing", tracker, dispatcher, "请点一个按钮，或者简单说一下住房情况。")
        return accept("precheck_housing", tracker, code)

    async def validate_precheck_vehicle(self, value: Any, dispatcher: CollectingDispatcher,
                                        tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        answer = vehicle_answer(str(value))
        if answer is None:
            return reject("precheck_vehicle", tracker, dispatcher,
                          "家里有车吗？没有就说“没有”，有的话说大概值多少钱，比如“有一辆，值三万”。")
        return accept("precheck_vehicle", tracker, answer)

    async def _yes_no(self, slot: str, value: Any, tracker: Tracker,
                      dispatcher: CollectingDispatcher) -> dict[str, Any]:
        answer = parsing.yes_or_no(str(value))
        if answer is None:
            return reject(slot, tracker, dispatcher, "请回答“有”或者“没有”，也可以点按钮。")
        return accept(slot, tracker, "yes" if answer else "no")

    async def validate_precheck_can_work(self, value: Any, dispatcher: CollectingDispatcher,
                                         tracker: Tracker, domain: DomainDict
                                         ) -> dict[str, Any]:
        result = await self._yes_no("precheck_can_work", value, tracker, dispatcher)
        if result.get("precheck_can_work") == "yes":
            result["precheck_has_supporter"] = None  # only asked of people who cannot work
        return result

    async def validate_precheck_has_supporter(self, value: Any,
                                              dispatcher: CollectingDispatcher, tracker: Tracker,
                                              domain: DomainDict) -> dict[str, Any]:
        return await self._yes_no("precheck_has_supporter", value, tracker, dispatcher)

    async def validate_precheck_emergency(self, value: Any, dispatcher: CollectingDispatcher,
                                          tracker: Tracker, domain: DomainDict
                                          ) -> dict[str, Any]:
        return await self._yes_no("precheck_emergency", value, tracker, dispatcher)


# The result ------------------------------------------------------------------------------

def citation(rule_keys: tuple[str, ...], rules: dict[str, Rule]) -> str:
    """'《特困人员认定办法》第四条、第五条；《社会救助暂行办法》第十四条'."""
    groups: dict[str, list[str]] = {}
    for key in rule_keys:
        for doc, label in rules[key].cites:
            unit = library().unit_by_label(doc, label)
            title = unit.doc.title if unit else doc
            if label not in groups.setdefault(title, []):
                groups[title].append(label)
    return "；".join(f"《{title}》{'、'.join(labels)}" for title, labels in groups.items())


def situation(household: Household) -> str:
    vehicle = household.vehicle_value
    car = "没有车" if vehicle == 0 else "有车" if vehicle is None else f"有车（约{yuan(vehicle)}）"
    income = "没有收入" if household.monthly_income <= 0 else (
        f"每月收入共{yuan(household.monthly_income)}，人均约{yuan(household.per_capita_income)}")
    deposits = "没有存款" if not household.deposits else f"存款{yuan(household.deposits)}"
    return (f"您说的情况：{household.district}，{texts.HUKOU_NAMES.get(household.hukou or '', '')}，"
            f"{household.size}口人，{income}，{deposits}，"
            f"住房：{HOUSING_NAMES.get(household.housing or '', '未说')}，{car}。")


def render(assessment: Assessment, rules: dict[str, Rule], asked: str | None) -> str:
    lines = [f"【资格预检结果】{LABEL}", situation(assessment.household)]
    suggested = assessment.suggested
    for finding in suggested:
        lines.append(f"建议申请：{texts.type_name(finding.code)}。{finding.reason}")
        lines.append(f"依据：{citation(finding.rules, rules)}")
    shown = {f.code for f in suggested}
    if not suggested:
        dibao, edge = assessment.finding("dibao"), assessment.finding("dibao_edge")
        decided = dibao.fits is False and edge.fits is False
        lines.append(("按您说的情况，暂时不符合低保和低保边缘家庭的条件。" if decided else
                      "按目前知道的情况，还看不出符合哪一种救助。") + dibao.reason)
        if decided and edge.rules != dibao.rules:
            lines.append(edge.reason)
        lines.append(f"依据：{citation(dibao.rules + edge.rules if decided else dibao.rules, rules)}")
        shown |= {"dibao", "dibao_edge"} if decided else {"dibao"}
    if asked and asked not in shown:
        finding = assessment.finding(asked)
        lines.append(f"您问的{SHORT_TYPE_NAMES[asked]}：{finding.reason}")
        lines.append(f"依据：{citation(finding.rules, rules)}")
    lines += list(assessment.asset_notes)
    if assessment.missing:
        where = f"{assessment.office}或" if assessment.office else ""
        names = "、".join(dict.fromkeys(f.describe() for f in assessment.missing))
        lines.append(f"还没有核实的数字：{names}。具体标准请向{where}所在街道（乡镇）社会救助窗口咨询。")
    return "\n".join(lines)


def record_body(tracker: Tracker, assessment: Assessment) -> dict[str, Any]:
    """What the backend keeps: the answers and the outcome, no names or ID numbers."""
    household = assessment.household
    return {
        "channel_user": tracker.sender_id,
        "case_no": tracker.get_slot("case_no") if tracker.get_slot("precheck_return_to") else None,
        "inputs": {**asdict(household), "asked_type": tracker.get_slot("precheck_asked_type")},
        "result": {
            "label": LABEL, "suggested": [f.code for f in assessment.suggested],
            "per_capita_income": round(household.per_capita_income, 2),
            "findings": [{"code": f.code, "fits": f.fits, "reason": f.reason}
                         for f in assessment.findings],
            "missing_figures": [f"{f.scope}:{f.field}" for f in assessment.missing],
            "checked_on": dt.date.today().isoformat(),
        },
    }


async def send_records(pending: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Send waiting records in order; returns those still waiting (the backend is down)."""
    waiting = list(pending)
    while waiting:
        item = waiting[0]
        body = {k: v for k, v in item.items() if k != "key"}
        try:
            await backend().record_precheck(body, key=item["key"])
        except BackendRefused as refused:
            if body.get("case_no"):  # the draft is gone: keep the record without it
                waiting[0] = {**item, "case_no": None, "key": item["key"] + "-nocase"}
                continue
            log.warning("pre-check record refused: %s", refused.code)
        except BackendUnavailable:
            return waiting
        waiting.pop(0)
    return waiting


def _resume_or_offer(tracker: Tracker, dispatcher: CollectingDispatcher, text: str,
                     suggested: list[str]) -> list[EventType]:
    """Back into the interrupted application (ActiveLoop last: nothing left to validate), or
    buttons to start one."""
    if tracker.get_slot("precheck_return_to") == APPLICATION_FORM:
        dispatcher.utter_message(text=f"{text}\n{RESUMING}")
        return [SlotSet("precheck_return_to", None), ActiveLoop(APPLICATION_FORM)]
    buttons = [{"title": f"申请{SHORT_TYPE_NAMES[code]}", "payload": f"我要申请{SHORT_TYPE_NAMES[code]}"}
               for code in suggested] or [{"title": "申请救助", "payload": "/apply"}]
    dispatcher.utter_message(text=text, buttons=[*buttons, texts.HUMAN_BUTTON])
    return []


class ActionPrecheckResult(Action):
    def name(self) -> str:
        return "action_precheck_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        household = household_from(tracker)
        try:
            book = current_standards()
            standards = book.for_district(household.district)
        except (StandardsError, OSError, KeyError):
            log.exception("pre-check standards unavailable")
            return _resume_or_offer(tracker, dispatcher, STANDARDS_BROKEN, [])
        assessment = assess(household, standards)
        text = render(assessment, book.rules, tracker.get_slot("precheck_asked_type"))
        pending = [*(tracker.get_slot("precheck_unsynced") or []),
                   {"key": f"precheck-{uuid.uuid4().hex}", **record_body(tracker, assessment)}]
        waiting = await send_records(pending)
        if waiting:
            text += "\n" + RECORD_LATER
        events: list[EventType] = [SlotSet("precheck_unsynced", waiting or None)]
        suggested = [f.code for f in assessment.suggested]
        return events + _resume_or_offer(tracker, dispatcher, text, suggested)


class ActionStopPrecheck(Action):
    """'取消' during the pre-check: stop it, and go back to the application if it was open."""

    def name(self) -> str:
        return "action_stop_precheck"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        events: list[EventType] = [SlotSet("requested_slot", None)]
        if tracker.get_slot("precheck_return_to") == APPLICATION_FORM:
            dispatcher.utter_message(text=f"{STOPPED}{RESUMING}")
            return [*events, SlotSet("precheck_return_to", None), ActiveLoop(APPLICATION_FORM)]
        dispatcher.utter_message(text=STOPPED + "想申请或者有问题，随时说。")
        return [*events, ActiveLoop(None)]
