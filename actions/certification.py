"""Eligibility certification (待遇资格认证): identity check, three questions, next due date.

`action_start_certification` asks the backend for an identity check; `certification_form`
asks its questions one by one (whatever the configured verifier needs: the bot never
learns the true answers) and the backend judges them; then it asks whether the address,
the household and the income changed. `action_submit_certification` records it. When the
backend is down, every answer stays in the slots and is sent when the person says
"资格认证" again.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import parsing, texts
from actions.attempts import accept, reject
from actions.backend_client import BackendRefused, BackendUnavailable, backend
from actions.escalation import UrgentWordsInForms

IDENTITY_SLOTS = ("cert_verification_id", "cert_questions", "cert_answers",
                  "cert_identity_answer", "cert_verified")
ANSWER_SLOTS = ("cert_still_at_address", "cert_address_detail", "cert_household_changed",
                "cert_household_detail", "cert_income_changed", "cert_income_detail")
ALL_SLOTS = (*IDENTITY_SLOTS, *ANSWER_SLOTS, "cert_stop", "cert_pending")
DONE = "-"  # the identity question slot once every identity question is answered
KEEP_HOURS = 24  # how long answers wait in the slots for a retry


def _compact(text: str) -> str:
    return re.sub(r"[\s，。,.!！?？~～]", "", text)


_UNSURE = ("不知道", "不清楚", "不晓得", "不懂", "啥意思", "什么意思")


def still_living_there(text: str) -> bool | None:
    """'还住那' / '没搬' → True; '搬家了' / '不住那了' → False."""
    value = _compact(text)
    if any(w in value for w in _UNSURE):
        return None
    if any(w in value for w in ("不是", "不对", "没有住", "没住", "不住", "不在那")):
        return False
    if any(w in value for w in ("没搬", "没有搬", "还住", "还在", "没变", "一样", "住那", "住这")):
        return True
    if "搬" in value:
        return False
    return parsing.yes_or_no(value)


_NO_CHANGE = ("没变", "没有变", "没啥变", "没什么变", "没得变", "一样", "不变", "照旧", "还是那样",
              "没有什么变化", "没啥", "都没有")


def has_changed(text: str) -> bool | None:
    """'没变化' / '没有' → False; '有变化' / '变了' → True."""
    value = _compact(text)
    if any(w in value for w in _UNSURE):
        return None
    if any(w in value for w in _NO_CHANGE):
        return False
    if any(w in value for w in ("有变", "变了", "变化了", "多了", "少了", "涨", "降", "增加", "减少",
                                "找到工作", "找了工作", "失业", "没工作了", "去世", "出生", "结婚")):
        return True
    return parsing.yes_or_no(value)


def _says_more_than_yes(text: str) -> bool:
    """'有，儿子找到工作了' says what changed; '有变化' alone does not."""
    rest = re.sub(r"^(有变化|有变|变了|有的|有|是的|是|对|搬家了|搬了|我)", "", _compact(text))
    return len(rest) >= 4


def find_id_tail(text: str) -> str | None:
    """The last 4 or 6 characters of an ID number, as typed: '1234', '12345X', '尾号 123x'."""
    match = re.search(r"(?<![0-9])(\d{5}[\dXx]|\d{3}[\dXx])(?![0-9Xx])", text.replace(" ", ""))
    return match.group(1).upper() if match else None


def _next_question(tracker: Tracker) -> dict[str, str] | None:
    answers = tracker.get_slot("cert_answers") or {}
    return next((q for q in tracker.get_slot("cert_questions") or []
                 if q["key"] not in answers), None)


def kept_now() -> EventType:
    """Mark the answers in the slots as waiting for the backend, from now."""
    return SlotSet("cert_pending", datetime.now(timezone.utc).isoformat(timespec="seconds"))


def kept_recently(tracker: Tracker) -> bool:
    """Answers kept for a retry count for a day; after that the questions are asked afresh."""
    try:
        kept = datetime.fromisoformat(str(tracker.get_slot("cert_pending")))
    except ValueError:
        return False
    return datetime.now(timezone.utc) - kept < timedelta(hours=KEEP_HOURS)


def _reset(*keep: str) -> list[EventType]:
    return [SlotSet(slot, None) for slot in ALL_SLOTS if slot not in keep]


class ActionStartCertification(Action):
    """Begin (or resume) a certification: an identity check from the backend."""

    def name(self) -> str:
        return "action_start_certification"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        pending = kept_recently(tracker)
        if pending and tracker.get_slot("cert_verification_id") and \
                tracker.get_slot("cert_identity_answer") == DONE:
            dispatcher.utter_message(response="utter_cert_resubmit")
            return [SlotSet("cert_stop", None)]  # every answer is there: the form ends at once
        keep = (*ANSWER_SLOTS, "cert_pending") if pending else ()
        try:
            challenge = await backend().start_verification(tracker.sender_id,
                                                           key=uuid.uuid4().hex)
        except BackendUnavailable:
            dispatcher.utter_message(text=texts.BACKEND_DOWN)
            return [*_reset(*keep), SlotSet("cert_stop", True)]
        except BackendRefused as refused:
            dispatcher.utter_message(text=refused.message, buttons=[texts.HUMAN_BUTTON])
            return [*_reset(), SlotSet("cert_stop", True)]
        dispatcher.utter_message(response="utter_cert_intro", case_no=challenge["case_no"],
                                 type_name=texts.type_name(challenge["assistance_type"]))
        return [*_reset(*keep),
                SlotSet("cert_verification_id", challenge["verification_id"]),
                SlotSet("cert_questions", challenge["questions"])]


class ActionAskCertIdentityAnswer(Action):
    """Ask the identity question that is next (the backend chose them)."""

    def name(self) -> str:
        return "action_ask_cert_identity_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        question = _next_question(tracker)
        if question:
            dispatcher.utter_message(text=question["text"])
        return []


async def check_identity(tracker: Tracker, dispatcher: CollectingDispatcher,
                         answers: dict[str, str], *, in_form: bool) -> dict[str, Any]:
    """Send the identity answers to the backend; the slots to set for each outcome.

    In the form a refusal starts the questions over; after it the caller says what next."""
    verification_id = str(tracker.get_slot("cert_verification_id"))
    try:
        await backend().answer_verification(verification_id, tracker.sender_id, answers)
    except BackendUnavailable:
        if in_form:
            dispatcher.utter_message(response="utter_cert_identity_kept")
        return {"cert_answers": answers, "cert_identity_answer": DONE, "cert_verified": None}
    except BackendRefused as refused:
        if refused.code == "identity_mismatch":
            dispatcher.utter_message(
                text=refused.message + ("我们从头再核对一次。" if in_form else ""))
            return {"cert_answers": None, "cert_identity_answer": None}
        dispatcher.utter_message(text=refused.message, buttons=[texts.HUMAN_BUTTON])
        return {**{slot: None for slot in IDENTITY_SLOTS}, "cert_stop": True,
                "cert_pending": None}
    return {"cert_answers": None, "cert_identity_answer": DONE, "cert_verified": True}


class ValidateCertificationForm(UrgentWordsInForms, FormValidationAction):
    def name(self) -> str:
        return "validate_certification_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if tracker.get_slot("cert_stop"):
            return []
        slots = ["cert_identity_answer", "cert_still_at_address"]
        if tracker.get_slot("cert_still_at_address") == "no":
            slots.append("cert_address_detail")
        slots.append("cert_household_changed")
        if tracker.get_slot("cert_household_changed") == "yes":
            slots.append("cert_household_detail")
        slots.append("cert_income_changed")
        if tracker.get_slot("cert_income_changed") == "yes":
            slots.append("cert_income_detail")
        return slots

    async def validate_cert_identity_answer(self, value: Any, dispatcher: CollectingDispatcher,
                                            tracker: Tracker, domain: DomainDict
                                            ) -> dict[str, Any]:
        question = _next_question(tracker)
        if value == DONE or question is None:
            return {"cert_identity_answer": DONE}
        text = str(value).strip()
        parsed = {"name": parsing.clean_name, "id_tail": find_id_tail}.get(
            question["key"], lambda t: t[:200] or None)(text)
        if parsed is None:
            reason = {"name": "请只输入申请人身份证上的姓名，比如“王秀英”。",
                      "id_tail": "请输入身份证号的最后4位（或最后6位），比如 123X。"}.get(
                question["key"], "没听清，请再说一次。")
            return reject("cert_identity_answer", tracker, dispatcher, reason)
        answers = {**(tracker.get_slot("cert_answers") or {}), question["key"]: parsed}
        result = accept("cert_identity_answer", tracker, None, cert_answers=answers)
        if any(q["key"] not in answers for q in tracker.get_slot("cert_questions") or []):
            return result  # the form asks the next identity question
        outcome = await check_identity(tracker, dispatcher, answers, in_form=True)
        if outcome.get("cert_verified"):
            dispatcher.utter_message(response="utter_cert_identity_passed")
        return {**result, **outcome}

    async def validate_cert_still_at_address(self, value: Any, dispatcher: CollectingDispatcher,
                                             tracker: Tracker, domain: DomainDict
                                             ) -> dict[str, Any]:
        if value in ("yes", "no"):  # already understood (validated again when the form resumes)
            return {"cert_still_at_address": value}
        answer = still_living_there(str(value))
        if answer is None:
            return reject("cert_still_at_address", tracker, dispatcher,
                          "请回答“还住在那里”或者“搬家了”，也可以点下面的按钮。")
        detail = str(value).strip() if answer is False and _says_more_than_yes(str(value)) \
            else None
        return accept("cert_still_at_address", tracker, "yes" if answer else "no",
                      cert_address_detail=detail[:1000] if detail else None)

    async def _changed(self, slot: str, value: Any, tracker: Tracker,
                       dispatcher: CollectingDispatcher) -> dict[str, Any]:
        if value in ("yes", "no"):  # already understood (validated again when the form resumes)
            return {slot: value}
        answer = has_changed(str(value))
        if answer is None and len(_compact(str(value))) >= 6 and \
                not any(w in str(value) for w in _UNSURE):
            answer = True  # the person simply told what changed
        if answer is None:
            return reject(slot, tracker, dispatcher, "请回答“有变化”或者“没有变化”，也可以点下面的按钮。")
        detail_slot = slot.replace("_changed", "_detail")
        detail = str(value).strip()[:1000] if answer and _says_more_than_yes(str(value)) else None
        return accept(slot, tracker, "yes" if answer else "no", **{detail_slot: detail})

    async def validate_cert_household_changed(self, value: Any, dispatcher: CollectingDispatcher,
                                              tracker: Tracker, domain: DomainDict
                                              ) -> dict[str, Any]:
        return await self._changed("cert_household_changed", value, tracker, dispatcher)

    async def validate_cert_income_changed(self, value: Any, dispatcher: CollectingDispatcher,
                                           tracker: Tracker, domain: DomainDict
                                           ) -> dict[str, Any]:
        return await self._changed("cert_income_changed", value, tracker, dispatcher)

    async def _detail(self, slot: str, value: Any, tracker: Tracker,
                      dispatcher: CollectingDispatcher) -> dict[str, Any]:
        text = str(value).strip()
        if len(_compact(text)) < 2:
            return reject(slot, tracker, dispatcher, "请简单说一下具体情况，一句话就行。")
        return accept(slot, tracker, text[:1000])

    async def validate_cert_address_detail(self, value: Any, dispatcher: CollectingDispatcher,
                                           tracker: Tracker, domain: DomainDict
                                           ) -> dict[str, Any]:
        return await self._detail("cert_address_detail", value, tracker, dispatcher)

    async def validate_cert_household_detail(self, value: Any, dispatcher: CollectingDispatcher,
                                             tracker: Tracker, domain: DomainDict
                                             ) -> dict[str, Any]:
        return await self._detail("cert_household_detail", value, tracker, dispatcher)

    async def validate_cert_income_detail(self, value: Any, dispatcher: CollectingDispatcher,
                                          tracker: Tracker, domain: DomainDict
                                          ) -> dict[str, Any]:
        return await self._detail("cert_income_detail", value, tracker, dispatcher)


def certification_answers(tracker: Tracker) -> dict[str, Any]:
    """The three answers as the backend takes them."""
    still = tracker.get_slot("cert_still_at_address") == "yes"
    household = tracker.get_slot("cert_household_changed") == "yes"
    income = tracker.get_slot("cert_income_changed") == "yes"
    return {
        "still_at_address": still,
        "address_detail": None if still else tracker.get_slot("cert_address_detail"),
        "household_changed": household,
        "household_detail": tracker.get_slot("cert_household_detail") if household else None,
        "income_changed": income,
        "income_detail": tracker.get_slot("cert_income_detail") if income else None,
    }


class ActionSubmitCertification(Action):
    """Record the certification; when the backend is down, keep everything for a retry."""

    def name(self) -> str:
        return "action_submit_certification"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        verification_id = tracker.get_slot("cert_verification_id")
        if tracker.get_slot("cert_stop") or not verification_id:
            return _reset()  # the reason was said when the flow stopped
        if not tracker.get_slot("cert_verified"):  # the identity check waited for the backend
            outcome = await check_identity(tracker, dispatcher,
                                           tracker.get_slot("cert_answers") or {}, in_form=False)
            if outcome.get("cert_stop"):
                return _reset()
            if not outcome.get("cert_verified"):
                return self._keep(dispatcher, outcome)
        try:
            result = await backend().certify(tracker.sender_id, str(verification_id),
                                             certification_answers(tracker),
                                             key=f"certify-{verification_id}")
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_cert_kept")
            return [kept_now(), SlotSet("cert_verified", True)]
        except BackendRefused as refused:
            if refused.code in ("verification_expired", "identity_not_verified",
                                "verification_not_found"):
                dispatcher.utter_message(response="utter_cert_reverify")
                return [*_reset(*ANSWER_SLOTS), kept_now()]
            dispatcher.utter_message(text=refused.message, buttons=[texts.HUMAN_BUTTON])
            return _reset()
        dispatcher.utter_message(response="utter_cert_done", next_due=result["next_due_text"])
        if result["changes_reported"]:
            dispatcher.utter_message(response="utter_cert_changes_forwarded")
        return _reset()

    @staticmethod
    def _keep(dispatcher: CollectingDispatcher, outcome: dict[str, Any]) -> list[EventType]:
        """The identity check could not pass now: keep the three answers for the next try."""
        if outcome.get("cert_identity_answer") == DONE:  # still waiting for the backend
            dispatcher.utter_message(response="utter_cert_kept")
            return [SlotSet(slot, value) for slot, value in outcome.items()] + [
                kept_now()]
        dispatcher.utter_message(response="utter_cert_reverify")
        return [*_reset(*ANSWER_SLOTS), kept_now()]


class ActionCancelCertification(Action):
    def name(self) -> str:
        return "action_cancel_certification"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_cert_cancelled")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *_reset()]


class ActionShowCertificationStatus(Action):
    """When the chat user's next certification is due."""

    def name(self) -> str:
        return "action_show_certification_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        try:
            items = await backend().certifications_of(tracker.sender_id)
        except BackendUnavailable:
            dispatcher.utter_message(text=texts.BACKEND_DOWN)
            return []
        if not items:
            dispatcher.utter_message(response="utter_cert_nothing_due")
            return []
        lines = [f"【{texts.type_name(i['assistance_type'])}】{i['case_no']}：{i['state_text']}，"
                 f"下次认证时间：{i['next_due_text']}" for i in items[:5]]
        dispatcher.utter_message(text="\n".join(lines),
                                 buttons=[{"title": "现在认证", "payload": "/certify_eligibility"}])
        return []
