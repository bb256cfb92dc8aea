"""Handing the conversation to a person."""

from __future__ import annotations

import uuid

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend_client import BackendRefused, BackendUnavailable, backend

URGENT_WORDS = ("断炊", "没饭吃", "吃不上饭", "住院", "火灾", "着火", "无家可归", "没地方住",
                "想不开", "不想活", "自杀")
EMERGENCY = ("如果有生命危险，请马上拨打110或120。生活无着落的，可以直接到街道（乡镇）"
             "或区县民政局求助，工作人员会先帮您解决眼前的困难。")


def recent_user_messages(tracker: Tracker, count: int = 5) -> list[str]:
    texts_ = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    return [t for t in texts_ if t and not t.startswith("/")][-count:]


class ActionEscalate(Action):
    def name(self) -> str:
        return "action_escalate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        messages = recent_user_messages(tracker)
        urgent = any(word in m for m in messages for word in URGENT_WORDS)
        if urgent:
            dispatcher.utter_message(text=EMERGENCY)
        question = messages[-1] if messages else "用户请求人工服务"
        case_no = tracker.get_slot("case_no") or tracker.get_slot("last_case_no")
        try:
            await backend().escalate(tracker.sender_id, question,
                                     summary="\n".join(messages), case_no=case_no,
                                     urgent=urgent, key=f"escalate-{uuid.uuid4().hex}")
        except BackendRefused:
            await _escalate_without_case(tracker, question, messages, urgent)
        except BackendUnavailable:
            dispatcher.utter_message(text="现在转人工没有成功，请稍后再试，或者直接打电话给街道（乡镇）民政办。")
            return []
        dispatcher.utter_message(text="已经转给工作人员了，一般1个工作日内会在这里回复您，"
                                 "请留意这个对话。" + ("（已标记为紧急）" if urgent else ""))
        if tracker.active_loop.get("name"):
            dispatcher.utter_message(text="我们先接着填申请，工作人员的回复会显示在这里。")
        return []


async def _escalate_without_case(tracker: Tracker, question: str, messages: list[str],
                                 urgent: bool) -> None:
    await backend().escalate(tracker.sender_id, question, summary="\n".join(messages),
                             case_no=None, urgent=urgent, key=f"escalate-{uuid.uuid4().hex}")

