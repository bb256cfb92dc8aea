"""Signing the economic-check authorisation: the applicant in chat, others with a code."""

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

SIGNING_SLOTS = ("signature_name", "signing_code", "signer_name", "signer_id_tail")


async def _case_to_sign(tracker: Tracker) -> dict[str, Any] | None:
    """The chat user's most recent submitted case with a signature still missing."""
    for case in await backend().cases_of(tracker.sender_id):
        if case["status"] not in ("draft", "withdrawn", "approved", "rejected") and \
                case["signatures"]["missing"]:
            return case
    return None


class ActionStartApplicantSigning(Action):
    """Show the authorisation. The applicant then types their name; a helper gets codes."""

    def name(self) -> str:
        return "action_start_applicant_signing"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        try:
            case = await _case_to_sign(tracker)
        except BackendUnavailable:
            dispatcher.utter_message(text=texts.BACKEND_DOWN)
            return [SlotSet("signature_name", "-")]
        if case is None:
            dispatcher.utter_message(text="没有需要您签署的申请。")
            return [SlotSet("signature_name", "-")]
        applicant_missing = any(m["member_id"] is None for m in case["signatures"]["missing"])
        events: list[EventType] = [SlotSet("last_case_no", case["case_no"])]
        if applicant_missing and case["helper"] is None:
            dispatcher.utter_message(text=texts.AUTHORISATION)
            return [*events, SlotSet("signature_name", None)]
        return [*events, SlotSet("signature_name", "-")]  # nothing for this chat to sign here


class ValidateApplicantSigningForm(UrgentWordsInForms, FormValidationAction):
    def name(self) -> str:
        return "validate_applicant_signing_form"

    async def validate_signature_name(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value == "-":
            return {"signature_name": "-"}
        name = parsing.clean_name(str(value))
        if name is None:
            dispatcher.utter_message(text="请输入申请人本人的姓名，比如“王秀英”。")
            return {"signature_name": None}
        return {"signature_name": name}


class ActionSignAsApplicant(Action):
    """Record the applicant's signature, then hand out codes for everyone still missing."""

    def name(self) -> str:
        return "action_sign_as_applicant"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        case_no = tracker.get_slot("last_case_no")
        name = tracker.get_slot("signature_name")
        reset = [SlotSet(slot, None) for slot in SIGNING_SLOTS]
        if not case_no:
            return reset
        try:
            if name and name != "-":
                result = await backend().sign_as_applicant(case_no, tracker.sender_id, name)
                dispatcher.utter_message(text="签好了，谢谢！" + texts.signature_status(
                    result["signatures"]))
            issued = await backend().issue_signing_codes(case_no, tracker.sender_id)
        except BackendUnavailable:
            dispatcher.utter_message(text=texts.BACKEND_DOWN, buttons=[texts.SIGN_BUTTON])
            return reset
        except BackendRefused as refused:
            dispatcher.utter_message(text=refused.message, buttons=[texts.SIGN_BUTTON])
            return reset
        if issued["codes"]:
            dispatcher.utter_message(text=texts.signing_codes(issued["codes"],
                                                              issued["valid_hours"]))
        else:
            dispatcher.utter_message(text="授权书已经全部签好了，审核可以开始了。")
        return reset


class ValidateMemberSigningForm(UrgentWordsInForms, FormValidationAction):
    def name(self) -> str:
        return "validate_member_signing_form"

    async def validate_signing_code(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return parsed("signing_code", value, parsing.find_signing_code, dispatcher,
                      "签署码是8位字母和数字，比如 ABCD-EFGH，请再输入一次。")

    async def validate_signer_name(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return parsed("signer_name", value, parsing.clean_name, dispatcher, "请输入您身份证上的姓名。")

    async def validate_signer_id_tail(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return parsed("signer_id_tail", value, parsing.find_id_tail, dispatcher, texts.ID_TAIL_HINT)


class ActionRedeemSigningCode(Action):
    def name(self) -> str:
        return "action_redeem_signing_code"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        reset = [SlotSet(slot, None) for slot in SIGNING_SLOTS]
        try:
            result = await backend().redeem_signing_code(
                tracker.sender_id, str(tracker.get_slot("signing_code")),
                str(tracker.get_slot("signer_name")), str(tracker.get_slot("signer_id_tail")))
        except BackendUnavailable:
            dispatcher.utter_message(text=texts.BACKEND_DOWN)
            return reset
        except BackendRefused as refused:
            dispatcher.utter_message(text=refused.message, buttons=[
                {"title": "重新输入签署码", "payload": "/sign_with_code"}, texts.HUMAN_BUTTON])
            return reset
        dispatcher.utter_message(text=f"{texts.AUTHORISATION}\n\n您已签署，谢谢！"
                                 f"（{result['assistance_type']}申请 {result['case_no']}，"
                                 f"{result['signatures']['text']}）")
        return reset
