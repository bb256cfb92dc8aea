"""After approval: the certificate of assistance (救助证明), the linked benefits (免申即享),
and objections (异议) to the public notice."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import parsing, texts
from actions.backend_client import BackendRefused, BackendUnavailable, backend
from actions.escalation import UrgentWordsInForms

OBJECTION_SLOTS = ("objection_notice_no", "objection_reason", "objection_contact")
NO_CONTACT = "不留"
_NOTICE_NO = re.compile(r"(GS\d{6})\s*[-－—–]?\s*([A-Z0-9]{6})(?![A-Z0-9])", re.IGNORECASE)
_NO_CONTACT_WORDS = ("不留", "不用", "不要", "没有", "没得", "算了", "不方便", "匿名", "不想留")

CERTIFICATE_DOWN = "系统暂时连不上，证明没能开出来。请过一会儿再说“开救助证明”。"
BENEFITS_DOWN = "系统暂时连不上，查不到您的优惠项目，请过一会儿再问我。"
OBJECTION_KEPT = ("系统暂时连不上，您的异议我已经记下了，不会丢。请过一会儿再说一次"
                  "“我要对公示提异议”，我会直接帮您提交。")
NO_APPROVAL_BENEFITS = ("您还没有已经批准的救助，所以暂时没有联动优惠。低保、特困批准以后，"
                        "医疗救助、医保参保资助和几项费用减免会自动享受，不用另外申请。")
NOTICE_NO_HELP = ("公示编号是GS开头的，比如 GS261204-7KQ2MX，在区县的公示名单上每条后面都有。"
                  "请再输入一次。")
NOTICE_NO_EXPLAIN = ("公示名单可以在“公示”网页上按区县查看，每一条的第一列就是公示编号。"
                     "找不到的话也可以找工作人员帮您。")
REASON_TOO_SHORT = "请具体说一下您的异议，比如哪里和实际情况不符，工作人员才好核实。"
PROGRESS_BUTTON = {"title": "查询进度", "payload": "/check_progress"}
BEIJING = timezone(timedelta(hours=8))


def find_notice_no(text: str) -> str | None:
    """`gs261204 7kq2mx` → `GS261204-7KQ2MX`."""
    match = _NOTICE_NO.search(text)
    return f"{match.group(1)}-{match.group(2)}".upper() if match else None


def contact_from(text: str) -> str | None:
    """A phone number, or whatever else they leave (an address, a time), or `NO_CONTACT`."""
    text = text.strip()
    if phone := parsing.find_phone(text):
        return phone
    if not text or any(word in text for word in _NO_CONTACT_WORDS):
        return NO_CONTACT
    return text[:60]


def link_deadline(iso: str) -> str:
    """`2026-12-05T10:30:00+00:00` → `12月5日18:30` (Beijing time)."""
    moment = datetime.fromisoformat(iso).astimezone(BEIJING)
    return f"{moment.month}月{moment.day}日{moment:%H:%M}"


def certificate_message(certificate: dict[str, Any]) -> str:
    return "\n".join([
        "您的救助证明开好了：",
        f"救助类型：{certificate['assistance_type_name']}",
        f"所在区县：{certificate['district']}",
        f"验证码：{certificate['code']}",
        f"下载证明（PDF，{link_deadline(certificate['download_expires_at'])}前有效）：",
        certificate["download_url"],
        f"办事单位可以打开这个网址核验真伪：{certificate['verify_url']}",
    ])


def benefits_message(benefits: list[dict[str, Any]]) -> str:
    lines = ["您不用另外申请，已经自动享受这些优惠（免申即享）："]
    for number, benefit in enumerate(benefits, start=1):
        lines.append(f"{number}. {benefit['name']}（{benefit['agency']}）：{benefit['description']}")
    lines.append("具体办理由上面括号里的单位负责，有问题可以直接问他们，或者说“转人工”。")
    return "\n".join(lines)


class ActionIssueCertificate(Action):
    def name(self) -> str:
        return "action_issue_certificate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        try:
            certificate = await backend().issue_certificate(tracker.sender_id)
        except BackendUnavailable:
            dispatcher.utter_message(text=CERTIFICATE_DOWN)
            return []
        except BackendRefused as refused:
            dispatcher.utter_message(text=refused.message, buttons=[PROGRESS_BUTTON])
            return []
        dispatcher.utter_message(text=certificate_message(certificate))
        return [SlotSet("last_case_no", certificate["case_no"])]


class ActionShowBenefits(Action):
    def name(self) -> str:
        return "action_show_benefits"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        try:
            found = await backend().benefits(tracker.sender_id)
        except BackendUnavailable:
            dispatcher.utter_message(text=BENEFITS_DOWN)
            return []
        if not found["approved_cases"]:
            dispatcher.utter_message(text=NO_APPROVAL_BENEFITS, buttons=[PROGRESS_BUTTON])
        elif not found["items"]:
            dispatcher.utter_message(text="您批准的救助类型没有联动的优惠项目。有疑问可以说“转人工”。")
        else:
            dispatcher.utter_message(text=benefits_message(found["items"]))
        return []


class ValidateObjectionForm(UrgentWordsInForms, FormValidationAction):
    def name(self) -> str:
        return "validate_objection_form"

    def _again(self, slot: str, tracker: Tracker, dispatcher: CollectingDispatcher,
               reason: str, explanation: str) -> dict[str, Any]:
        """Ask again; the second time explain differently and offer a person."""
        counts = dict(tracker.get_slot("failed_attempts") or {})
        counts[slot] = counts.get(slot, 0) + 1
        if counts[slot] >= 2:
            dispatcher.utter_message(text=f"{reason}\n{explanation}", buttons=[texts.HUMAN_BUTTON])
        else:
            dispatcher.utter_message(text=reason)
        return {slot: None, "failed_attempts": counts}

    @staticmethod
    def _forget(slot: str, tracker: Tracker) -> dict[str, Any]:
        """An accepted answer clears the failures counted on its question."""
        counts = dict(tracker.get_slot("failed_attempts") or {})
        if slot not in counts:
            return {}
        counts.pop(slot)
        return {"failed_attempts": counts or None}

    async def validate_objection_notice_no(self, value: Any, dispatcher: CollectingDispatcher,
                                           tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        notice_no = find_notice_no(str(value))
        if notice_no is None:
            return self._again("objection_notice_no", tracker, dispatcher, NOTICE_NO_HELP,
                               NOTICE_NO_EXPLAIN)
        return {"objection_notice_no": notice_no, **self._forget("objection_notice_no", tracker)}

    async def validate_objection_reason(self, value: Any, dispatcher: CollectingDispatcher,
                                        tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        reason = str(value).strip()
        if len(reason) < 4:
            return self._again("objection_reason", tracker, dispatcher, REASON_TOO_SHORT,
                               "比如“他家儿子开了公司，收入不低”。说不清楚的话可以找工作人员。")
        return {"objection_reason": reason[:2000], **self._forget("objection_reason", tracker)}

    async def validate_objection_contact(self, value: Any, dispatcher: CollectingDispatcher,
                                         tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if (tracker.latest_message or {}).get("intent", {}).get("name") == "deny":
            return {"objection_contact": NO_CONTACT}  # "不留", "没有", or the button
        return {"objection_contact": contact_from(str(value))}


class ActionLodgeObjection(Action):
    """Send the objection; if the backend is down, keep the answers for the next try."""

    def name(self) -> str:
        return "action_lodge_objection"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        notice_no = str(tracker.get_slot("objection_notice_no"))
        reason = str(tracker.get_slot("objection_reason"))
        contact = tracker.get_slot("objection_contact")
        digest = hashlib.sha256(f"{notice_no}\n{reason}".encode()).hexdigest()[:16]
        reset = [SlotSet(slot, None) for slot in OBJECTION_SLOTS]
        try:
            lodged = await backend().lodge_objection(
                tracker.sender_id, notice_no, reason,
                contact=None if contact in (None, NO_CONTACT) else str(contact),
                key=f"objection-{tracker.sender_id}-{digest}"[:100])
        except BackendUnavailable:
            dispatcher.utter_message(text=OBJECTION_KEPT)
            return []
        except BackendRefused as refused:
            dispatcher.utter_message(text=refused.message)
            return reset
        follow_up = ("工作人员核实后会联系您。" if contact not in (None, NO_CONTACT)
                     else "您没有留联系方式，核实结果以区县民政部门公布的为准。")
        dispatcher.utter_message(
            text=f"您对公示 {lodged['notice_no']} 的异议已经转给{lodged['district']}民政部门"
                 f"的工作人员（异议编号 {lodged['id']}），他们会调查核实。{follow_up}")
        return reset
