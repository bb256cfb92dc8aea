"""Handing the conversation to a person: on request, on urgent words, and after two
turns in a row that the assistant did not understand or could not answer."""

from __future__ import annotations

import uuid

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import texts
from actions.backend_client import BackendRefused, BackendUnavailable, backend
from bot.components.urgency import urgent_words_in

EMERGENCY = ("如果有生命危险，请马上拨打110或120。生活无着落的，可以直接到街道（乡镇）"
             "或区县民政局求助，遇到急难情况可以申请临时救助，工作人员会先帮您解决眼前的困难。")
PASSED_ON = "已经转给工作人员了，一般1个工作日内会在这里回复您，请留意这个对话。"
PASSED_ON_URGENT = "已经作为紧急求助转给工作人员，会尽快在这里回复您，请留意这个对话。"
NOT_PASSED_ON = ("现在转人工没有成功，请稍后再说一次“转人工”，"
                 "或者直接打电话给街道（乡镇）民政办。")
FORM_GOES_ON = "我们先接着填申请，工作人员的回复会显示在这里。"
STILL_UNCLEAR = "不好意思，我还是没弄明白。"
DID_NOT_UNDERSTAND = "不好意思，我没太明白。可以换个说法，或者点下面的按钮。"
PLEASE_CHOOSE = "不好意思，我没太明白。请点下面的按钮接着办，或者换个说法。"
MENU_BUTTONS = [{"title": "申请救助", "payload": "/apply"},
                {"title": "查询进度", "payload": "/check_progress"},
                {"title": "转人工", "payload": "/request_human"}]

LOW_CONFIDENCE_SLOT = "low_confidence_turn"
MESSAGE_CHARS = 300  # of each message in the summary for staff
SUMMARY_CHARS = 3000  # the backend takes 4,000


def recent_user_messages(tracker: Tracker, count: int = 5) -> list[str]:
    texts = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    return [t for t in texts if t and not t.startswith("/")][-count:]


def user_turn(tracker: Tracker) -> int:
    """How many messages the user has sent in this conversation."""
    return sum(1 for e in tracker.events if e.get("event") == "user")


def conversation_summary(tracker: Tracker, messages: list[str], reason: str) -> str:
    """What staff need to pick the conversation up: why, where, and the last messages.

    ID and phone numbers in it are masked by the backend before it stores anything.
    """
    lines = [f"转人工原因：{reason}"]
    form = tracker.active_loop.get("name")
    if form:
        asking = tracker.get_slot("requested_slot")
        lines.append(f"用户正在填写：{form}" + (f"（当前问题：{asking}）" if asking else ""))
    lines.append("最近的对话：")
    lines.extend(f"- {m[:MESSAGE_CHARS]}" for m in messages)
    return "\n".join(lines)[:SUMMARY_CHARS]


async def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, *, reason: str,
                    urgent: bool) -> bool:
    """Create the escalation and tell the user; False (and say so) if the backend is down."""
    messages = recent_user_messages(tracker)
    question = messages[-1] if messages else "用户请求人工服务"
    summary = conversation_summary(tracker, messages, reason)
    case_no = tracker.get_slot("case_no") or tracker.get_slot("last_case_no")
    key = f"escalate-{uuid.uuid4().hex}"
    try:
        try:
            await backend().escalate(tracker.sender_id, question, summary=summary,
                                     case_no=case_no, urgent=urgent, key=key)
        except BackendRefused:  # the case is not this chat's, or is gone: pass it on without
            await backend().escalate(tracker.sender_id, question, summary=summary,
                                     case_no=None, urgent=urgent, key=key + "-nocase")
    except (BackendUnavailable, BackendRefused):
        dispatcher.utter_message(text=NOT_PASSED_ON)
        return False
    dispatcher.utter_message(text=PASSED_ON_URGENT if urgent else PASSED_ON)
    if tracker.active_loop.get("name"):
        dispatcher.utter_message(text=FORM_GOES_ON)
    return True


class ActionEscalate(Action):
    """The user asked for a person (转人工, 找工作人员, 我要投诉)."""

    def name(self) -> str:
        return "action_escalate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        urgent = any(urgent_words_in(m) for m in recent_user_messages(tracker))
        if urgent:
            dispatcher.utter_message(text=EMERGENCY)
        await hand_over(dispatcher, tracker, reason="用户要求转人工", urgent=urgent)
        return [SlotSet(LOW_CONFIDENCE_SLOT, None)]


async def urgent_help(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Emergency wording at once, then an urgent escalation."""
    words = urgent_words_in((tracker.latest_message or {}).get("text") or "")
    dispatcher.utter_message(text=EMERGENCY)
    await hand_over(dispatcher, tracker, urgent=True,
                    reason="紧急情况：" + "、".join(words or ["用户描述紧急困难"]))


class ActionUrgentHelp(Action):
    """An urgent word (断炊, 住院, 想不开 ...) outside a form.

    Predicted by ``UrgentMessagePolicy`` before anything else. Inside a form the form's
    validation does the same (``UrgentWordsInForms``), so that the answer is still checked.
    """

    def name(self) -> str:
        return "action_urgent_help"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        await urgent_help(dispatcher, tracker)
        return [SlotSet(LOW_CONFIDENCE_SLOT, None)]


def answered_just_now(tracker: Tracker) -> bool:
    """Whether this validation follows the user's message directly.

    A form also calls its validation when it resumes after an interruption (a question,
    a person), with the same latest message; then other actions ran since the message.
    """
    form = tracker.active_loop.get("name")
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in (
                form, "action_extract_slots"):
            return False
    return False


class UrgentWordsInForms:
    """Mixin for a ``FormValidationAction``: an urgent word in the answer just given gets
    the emergency wording and an urgent escalation, then the answer is validated as usual
    (so "老伴住院了，没钱治病" still fills the hardship question)."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        if urgent_words_in(text) and answered_just_now(tracker):
            await urgent_help(dispatcher, tracker)
        return await super().run(dispatcher, tracker, domain)  # type: ignore[misc]


async def low_confidence_turn(dispatcher: CollectingDispatcher, tracker: Tracker, *,
                              reason: str) -> list[EventType]:
    """Record a turn the assistant did not understand or could not answer.

    The second such turn in a row hands the conversation to a person. Returns the slot
    events; the caller has already said what it could not do.
    """
    turn = user_turn(tracker)
    previous = tracker.get_slot(LOW_CONFIDENCE_SLOT)
    if previous is not None and int(previous) == turn - 1:
        dispatcher.utter_message(text=STILL_UNCLEAR)
        await hand_over(dispatcher, tracker, reason=f"连续两次{reason}", urgent=False)
        return [SlotSet(LOW_CONFIDENCE_SLOT, None)]
    return [SlotSet(LOW_CONFIDENCE_SLOT, float(turn))]


class ActionNotUnderstood(Action):
    """The NLU fallback outside a form: say so; the second time in a row, escalate."""

    def name(self) -> str:
        return "action_not_understood"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        previous = tracker.get_slot(LOW_CONFIDENCE_SLOT)
        if previous is None or int(previous) != user_turn(tracker) - 1:
            offered = buttons_just_offered(tracker)
            if offered:  # e.g. a name typed where the button 签署授权书 was offered
                dispatcher.utter_message(text=PLEASE_CHOOSE, buttons=[*offered, texts.HUMAN_BUTTON])
            else:
                dispatcher.utter_message(text=DID_NOT_UNDERSTAND, buttons=MENU_BUTTONS)
        return await low_confidence_turn(dispatcher, tracker, reason="没有听懂用户的话")


def buttons_just_offered(tracker: Tracker) -> list[dict[str, str]]:
    """The buttons of the bot's reply to the user's previous message (none if it had none)."""
    seen_user = 0
    buttons: list[dict[str, str]] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user += 1
            if seen_user == 2:
                break
        elif event.get("event") == "bot" and seen_user == 1 and not buttons:
            buttons = list((event.get("data") or {}).get("buttons") or [])
    return [b for b in buttons if b.get("payload") != texts.HUMAN_BUTTON["payload"]]
