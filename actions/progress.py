"""Following a case: the chat user's own cases, or one found by case number and ID tail."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import parsing, texts
from actions.attempts import parsed
from actions.backend_client import BackendRefused, BackendUnavailable, backend
from actions.escalation import UrgentWordsInForms


def describe_case(case: dict[str, Any]) -> str:
    last = case["events"][-1]["at"][:10] if case["events"] else case["created_at"][:10]
    lines = [f"【{texts.type_name(case['assistance_type'])}】{case['case_no']}",
             f"状态：{case['status_text']}（{last}）", f"下一步：{case['next_step']}"]
    if case["status"] == "draft":
        lines.append("还没有提交，说“继续申请”可以接着填。")
    elif case["signatures"]["missing"] and case["status"] not in ("withdrawn", "rejected"):
        lines.append(texts.signature_status(case["signatures"]))
    if case["status"] == "needs_info":
        reasons = [e["reason"] for e in case["events"] if e["to"] == "needs_info"]
        if reasons:
            lines.append(f"需要补充：{reasons[-1]}")
    return "\n".join(lines)


class ActionShowProgress(Action):
    def name(self) -> str:
        return "action_show_progress"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        try:
            cases = [c for c in await backend().cases_of(tracker.sender_id)
                     if c["status"] != "withdrawn"]
            escalations = await backend().inbox(tracker.sender_id)
        except BackendUnavailable:
            dispatcher.utter_message(text=texts.BACKEND_DOWN)
            return []
        answers = [f"您问：{e['question'][:40]}\n工作人员回复：{r['text']}"
                   for e in escalations for r in e["replies"]]
        if answers:
            dispatcher.utter_message(text="\n\n".join(answers[:3]))
        if not cases:
            dispatcher.utter_message(
                text="这个聊天里没有找到您的申请。如果是在别的手机上申请的，可以用案件编号和申请人身份证后四位查询。",
                buttons=[{"title": "用案件编号查询", "payload": "/lookup_case"},
                         {"title": "申请救助", "payload": "/apply"}])
            return []
        dispatcher.utter_message(text="\n\n".join(describe_case(c) for c in cases[:5]))
        return []


class ValidateCaseLookupForm(UrgentWordsInForms, FormValidationAction):
    def name(self) -> str:
        return "validate_case_lookup_form"

    async def validate_lookup_case_no(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return parsed("lookup_case_no", value, parsing.find_case_no, dispatcher,
                      "案件编号是CQ开头的，比如 CQ261204-ABCD2345，请再输入一次。")

    async def validate_lookup_id_tail(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return parsed("lookup_id_tail", value, parsing.find_id_tail, dispatcher, texts.ID_TAIL_HINT)


class ActionLookupCase(Action):
    def name(self) -> str:
        return "action_lookup_case"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        reset = [SlotSet("lookup_case_no", None), SlotSet("lookup_id_tail", None)]
        try:
            case = await backend().lookup(tracker.sender_id, str(tracker.get_slot("lookup_case_no")),
                                          str(tracker.get_slot("lookup_id_tail")))
        except BackendUnavailable:
            dispatcher.utter_message(text=texts.BACKEND_DOWN)
            return reset
        except BackendRefused as refused:
            dispatcher.utter_message(text=refused.message)
            return reset
        dispatcher.utter_message(text=describe_case(case))
        return reset
