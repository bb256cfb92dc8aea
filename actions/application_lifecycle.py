"""Starting, resuming, reading back, correcting, submitting, cancelling and restarting."""

from __future__ import annotations

import uuid

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import drafts, parsing, texts
from actions.application import ADVICE_SLOTS, APPLICANT_SLOTS, ASSET_SLOTS, HELPER_SLOTS
from actions.backend_client import BackendRefused, BackendUnavailable, backend
from actions.household import CLEARED_MEMBER

FORM_SLOTS = ["assistance_type", "applying_for", "type_advice_needed", "suggested_type",
              *ADVICE_SLOTS, *HELPER_SLOTS, *APPLICANT_SLOTS, *ASSET_SLOTS, *CLEARED_MEMBER,
              "members_done", "confirm_submit", "correcting", "failed_attempts", "unsynced",
              "case_no", "draft_key"]


def _reset() -> list[EventType]:
    return [SlotSet(name, None) for name in FORM_SLOTS]


class ActionStartApplication(Action):
    """Begin a new application or resume the chat user's unfinished draft."""

    def name(self) -> str:
        return "action_start_application"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        events: list[EventType] = []
        intent = tracker.get_intent_of_latest_message()
        text = tracker.latest_message.get("text", "")
        helper_relation = parsing.applying_for_someone(text)
        if (intent == "for_other" or helper_relation is not None) and \
                not tracker.get_slot("applying_for"):
            events.append(SlotSet("applying_for", "other"))
            if helper_relation:
                events.append(SlotSet("helper_relation", helper_relation))
        type_code = parsing.parse_assistance_type(text)
        if tracker.get_slot("case_no") and tracker.get_slot("confirm_submit") != "yes":
            dispatcher.utter_message(text=texts.RESUMED)
            return events
        try:
            draft = await backend().latest_draft(tracker.sender_id)
        except BackendUnavailable:
            draft = None
            dispatcher.utter_message(text=texts.SAVED_LATER)
        if draft:
            values = drafts.slots_from_draft(draft)
            if type_code and not values["assistance_type"]:
                values["assistance_type"] = type_code
            dispatcher.utter_message(text=texts.RESUMED)
            return [*_reset(), *events, *(SlotSet(k, v) for k, v in values.items())]
        dispatcher.utter_message(text=texts.STARTED)
        return [*_reset(), *events, SlotSet("draft_key", f"draft-{uuid.uuid4().hex}"),
                SlotSet("assistance_type", type_code)]


class ActionAskConfirmSubmit(Action):
    """The read-back: the draft as the backend holds it, or the list of fields to correct."""

    def name(self) -> str:
        return "action_ask_confirm_submit"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        if tracker.get_slot("correcting"):
            buttons = [{"title": label, "payload": f'/correct_field{{"field":"{name}"}}'}
                       for name, label in texts.CORRECTABLE_FIELDS]
            buttons.append({"title": "家庭成员", "payload": "/list_members"})
            dispatcher.utter_message(text="要改哪一项？家庭成员可以直接说，比如“把儿子的收入改成三千”、“删掉儿媳”。",
                                     buttons=buttons)
            return []
        try:
            case_no = tracker.get_slot("case_no") or await drafts.ensure_draft(tracker)
            await drafts.flush(case_no, tracker.sender_id, dict(tracker.get_slot("unsynced") or {}))
            case = await backend().get_case(case_no, tracker.sender_id)
        except (BackendUnavailable, BackendRefused):
            dispatcher.utter_message(text="系统暂时连不上，没法把申请内容读出来给您核对。您填的内容都记着，"
                                     "过一会儿回复“确认提交”就能提交，或者点“修改”。",
                                     buttons=[{"title": "确认提交", "payload": "确认提交"},
                                              {"title": "修改", "payload": "修改"}])
            return []
        dispatcher.utter_message(text=texts.summary(case), buttons=[
            {"title": "确认提交", "payload": "确认提交"}, {"title": "修改", "payload": "修改"}])
        return [SlotSet("unsynced", None), SlotSet("case_no", case_no)]


class ActionCorrectField(Action):
    """Forget one answer so that the form asks it again, then returns to the read-back."""

    def name(self) -> str:
        return "action_correct_field"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        field = next(tracker.get_latest_entity_values("field"), None)
        known = dict(texts.CORRECTABLE_FIELDS)
        in_form = tracker.active_loop.get("name") == "application_form"
        if not in_form and not tracker.get_slot("case_no"):
            dispatcher.utter_message(text="已经提交的申请不能在这里修改了。需要更正的话，请转人工，"
                                     "工作人员会帮您处理。", buttons=[texts.HUMAN_BUTTON])
            return []
        if field not in known:
            return [SlotSet("correcting", True), SlotSet("confirm_submit", None)]
        events: list[EventType] = [SlotSet(field, None), SlotSet("correcting", None),
                                   SlotSet("confirm_submit", None)]
        if field == "assistance_type":
            events.append(SlotSet("type_advice_needed", None))
        if in_form:
            dispatcher.utter_message(text=f"好的，重新填一下{known[field]}。")
        else:
            dispatcher.utter_message(text=f"好的，{known[field]}已清空。说“继续申请”重新填这一项。",
                                     buttons=[{"title": "继续申请", "payload": "/continue_application"}])
        return events


class ActionSubmitApplication(Action):
    def name(self) -> str:
        return "action_submit_application"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        case_no = tracker.get_slot("case_no")
        try:
            case_no = case_no or await drafts.ensure_draft(tracker)
            await drafts.flush(case_no, tracker.sender_id, dict(tracker.get_slot("unsynced") or {}))
            case = await backend().submit(case_no, tracker.sender_id)
        except BackendUnavailable:
            dispatcher.utter_message(text="提交暂时没成功，系统有点忙。您的资料都保存着，过一会儿说“继续申请”再提交，不会重复提交。",
                                     buttons=[{"title": "继续申请", "payload": "/continue_application"}])
            return [SlotSet("confirm_submit", None)]
        except BackendRefused as refused:
            missing = refused.details.get("missing_fields", [])
            dispatcher.utter_message(text=f"{refused.message}。我们把缺的补上。")
            return [SlotSet("confirm_submit", None), *(SlotSet(m, None) for m in missing
                                                      if m in FORM_SLOTS)]
        dispatcher.utter_message(text=texts.submitted(case))
        dispatcher.utter_message(text=texts.SIGN_NEXT, buttons=[texts.SIGN_BUTTON])
        return [*_reset(), SlotSet("last_case_no", case["case_no"])]


class ActionCancelApplication(Action):
    def name(self) -> str:
        return "action_cancel_application"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=texts.CANCELLED, buttons=[
            {"title": "继续申请", "payload": "/continue_application"},
            {"title": "查询进度", "payload": "/check_progress"}])
        return [ActiveLoop(None), SlotSet("requested_slot", None)]


class ActionRestartApplication(Action):
    """Start over: the unfinished draft is withdrawn and a new one begins."""

    def name(self) -> str:
        return "action_restart_application"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        case_no = tracker.get_slot("case_no")
        try:
            draft = None if case_no else await backend().latest_draft(tracker.sender_id)
            case_no = case_no or (draft["case_no"] if draft else None)
            if case_no:
                await backend().withdraw(case_no, tracker.sender_id, "申请人重新开始填写")
        except (BackendUnavailable, BackendRefused):
            pass  # the old draft simply stays a draft; the new one supersedes it
        dispatcher.utter_message(text=texts.RESTARTED)
        return [ActiveLoop(None), SlotSet("requested_slot", None), *_reset(),
                SlotSet("draft_key", f"draft-{uuid.uuid4().hex}")]
