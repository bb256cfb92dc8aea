"""The application form: from choosing the type to the read-back, each answer saved at once."""

from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import drafts, parsing, texts
from actions.attempts import accept, reject
from actions.backend_client import BackendRefused
from actions.escalation import UrgentWordsInForms
from actions.household import HouseholdValidation, edit_members, edit_requested

ADVICE_SLOTS = ["advice_can_work", "advice_has_supporter", "advice_emergency"]
HELPER_SLOTS = ["helper_relation", "helper_name", "helper_phone"]
APPLICANT_SLOTS = ["applicant_name", "applicant_id_number", "applicant_phone", "district",
                   "street", "address", "hukou_type"]
MEMBER_SLOTS = ["member_name", "member_id_number", "member_income", "member_health"]
ASSET_SLOTS = ["other_income", "deposits", "housing", "vehicle", "business", "hardship"]


def suggest_type(can_work: bool, has_supporter: bool, emergency: bool) -> tuple[str, str]:
    """A suggested assistance type from three answers (a reference, not a decision)."""
    if emergency:
        return "linshi", "突然遇到急难、一时过不去的，可以申请临时救助（《社会救助暂行办法》第四十七条）。"
    if not can_work and not has_supporter:
        return "tekun", ("没有劳动能力、没有人赡养抚养的老人、残疾人和未成年人，可以申请特困供养"
                         "（《社会救助暂行办法》第十四条）。")
    return "dibao", ("家里人均收入低于当地低保标准的，可以申请低保；收入略高于标准（1.5倍以内）的，"
                     "可以申请低保边缘家庭（《社会救助暂行办法》第九条）。")


def saved_in_draft(value: Any, tracker: Tracker) -> bool:
    """A masked number read back from the backend draft on resuming: the backend holds the
    whole number, so it is kept as it is rather than checked again."""
    return parsing.is_masked(value) and bool(tracker.get_slot("case_no"))


class ValidateApplicationForm(UrgentWordsInForms, HouseholdValidation, FormValidationAction):
    def name(self) -> str:
        return "validate_application_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        slots: list[str] = []
        if tracker.get_slot("type_advice_needed") and not tracker.get_slot("assistance_type"):
            slots += ADVICE_SLOTS
        slots += ["assistance_type", "applying_for"]
        if tracker.get_slot("applying_for") == "other":
            slots += HELPER_SLOTS
        slots += APPLICANT_SLOTS
        if not tracker.get_slot("members_done"):
            slots.append("member_entry")
            if tracker.get_slot("member_entry"):
                slots += MEMBER_SLOTS
        return slots + ASSET_SLOTS + ["confirm_submit"]

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> list[EventType]:
        """Changes to earlier answers typed in the middle of the form are done first; the
        question that was open is then asked again (not counted as a failed answer)."""
        requested = tracker.get_slot("requested_slot")
        intent = tracker.get_intent_of_latest_message()
        text = tracker.latest_message.get("text", "")
        if requested and edit_requested(intent, text):
            await edit_members(intent, tracker, dispatcher)
            return [SlotSet(requested, None)]
        if requested and requested != "confirm_submit":
            field = next(tracker.get_latest_entity_values("field"), None) or (
                parsing.find_field(text) if intent == "correct_field" else None)
            wants_change = any(word in text for word in ("改", "错", "不对"))
            if intent == "correct_field" and wants_change and field in dict(texts.CORRECTABLE_FIELDS):
                dispatcher.utter_message(text=f"好的，重新填一下{dict(texts.CORRECTABLE_FIELDS)[field]}。")
                return [SlotSet(requested, None), SlotSet(field, None)]
        return await super().get_validation_events(dispatcher, tracker, domain)

    async def _save(self, slot: str, value: Any, tracker: Tracker,
                    dispatcher: CollectingDispatcher, *, shown: Any = None,
                    **fields: Any) -> dict[str, Any]:
        """Save `fields` to the draft; the slot keeps `shown` (e.g. a masked number)."""
        try:
            updates = await drafts.save(tracker, dispatcher, fields or {slot: value})
        except BackendRefused as refused:
            return reject(slot, tracker, dispatcher, refused.message)
        return accept(slot, tracker, value if shown is None else shown, **updates)

    # Type -------------------------------------------------------------------------------
    async def validate_assistance_type(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = str(value)
        if parsing.is_unsure(text) or tracker.get_intent_of_latest_message() == "unsure_type":
            return {"assistance_type": None, "type_advice_needed": True}
        code = parsing.parse_assistance_type(text)
        if code is None:
            return reject("assistance_type", tracker, dispatcher,
                               "没听明白要申请哪一种，请点下面的按钮选一个。")
        dispatcher.utter_message(text=f"好的，申请{texts.type_name(code)}。")
        return await self._save("assistance_type", code, tracker, dispatcher)

    async def _advice(self, slot: str, value: Any, tracker: Tracker,
                      dispatcher: CollectingDispatcher) -> dict[str, Any]:
        answer = parsing.yes_or_no(str(value))
        if answer is None:
            return reject(slot, tracker, dispatcher, "请回答“有”或者“没有”，也可以点按钮。")
        result = accept(slot, tracker, "yes" if answer else "no")
        answers = {name: tracker.get_slot(name) for name in ADVICE_SLOTS} | {
            slot: result[slot]}
        if all(answers.values()):
            code, reason = suggest_type(answers["advice_can_work"] == "yes",
                                        answers["advice_has_supporter"] == "yes",
                                        answers["advice_emergency"] == "yes")
            dispatcher.utter_message(text=texts.suggestion(code, reason))
            result.update(type_advice_needed=False, suggested_type=code)
        return result

    async def validate_advice_can_work(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return await self._advice("advice_can_work", value, tracker, dispatcher)

    async def validate_advice_has_supporter(self, value: Any, dispatcher: CollectingDispatcher,
                                            tracker: Tracker, domain: DomainDict
                                            ) -> dict[str, Any]:
        return await self._advice("advice_has_supporter", value, tracker, dispatcher)

    async def validate_advice_emergency(self, value: Any, dispatcher: CollectingDispatcher,
                                        tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return await self._advice("advice_emergency", value, tracker, dispatcher)

    # Who --------------------------------------------------------------------------------
    async def validate_applying_for(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = str(value)
        if text in ("self", "other"):
            return accept("applying_for", tracker, text)
        if any(w in text for w in ("帮", "替", "代", "别人", "网格员", "社工", "志愿者")) or \
                parsing.find_relation(text):
            return accept("applying_for", tracker, "other")
        if any(w in text for w in ("自己", "本人", "我")) or parsing.yes_or_no(text):
            return accept("applying_for", tracker, "self")
        return reject("applying_for", tracker, dispatcher, "是给您自己申请，还是帮别人申请？")

    async def validate_helper_relation(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = str(value).strip("。，, ")
        role = next((r for r in parsing.HELPER_ROLES if r in text), None)
        found = parsing.find_relation(text)
        relation = role or (found[0] if found else None)
        if relation is None:
            return reject("helper_relation", tracker, dispatcher,
                          "请说一下您和申请人的关系，比如女儿、儿子、网格员、社工、志愿者。")
        return accept("helper_relation", tracker, relation)

    async def validate_helper_name(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        name = parsing.clean_name(str(value))
        if name is None:
            return reject("helper_name", tracker, dispatcher, "这个名字好像不对。")
        return accept("helper_name", tracker, name)

    async def validate_helper_phone(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if saved_in_draft(value, tracker):
            return {"helper_phone": value}
        phone = parsing.find_phone(str(value))
        if phone is None:
            return reject("helper_phone", tracker, dispatcher, "没有找到11位的手机号。")
        helper = {"name": tracker.get_slot("helper_name"),
                  "relation": tracker.get_slot("helper_relation"), "phone": phone}
        try:
            updates = await drafts.save(tracker, dispatcher, helper=helper)
        except BackendRefused as refused:
            return reject("helper_phone", tracker, dispatcher, refused.message)
        return accept("helper_phone", tracker, parsing.mask_phone(phone), **updates)

    # Applicant --------------------------------------------------------------------------
    async def validate_applicant_name(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        name = parsing.clean_name(str(value))
        if name is None:
            return reject("applicant_name", tracker, dispatcher,
                               "这个名字好像不对，请输入身份证上的中文姓名。")
        return await self._save("applicant_name", name, tracker, dispatcher)

    async def validate_applicant_id_number(self, value: Any, dispatcher: CollectingDispatcher,
                                           tracker: Tracker, domain: DomainDict
                                           ) -> dict[str, Any]:
        if saved_in_draft(value, tracker):
            return {"applicant_id_number": value}
        number = parsing.find_id_number(str(value))
        problem = parsing.id_number_problem(number) if number else "没有找到18位的身份证号。"
        if number is None or problem:
            return reject("applicant_id_number", tracker, dispatcher, str(problem))
        return await self._save("applicant_id_number", number, tracker, dispatcher,
                                shown=parsing.mask_id(number), applicant_id_number=number)

    async def validate_applicant_phone(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if saved_in_draft(value, tracker):
            return {"applicant_phone": value}
        phone = parsing.find_phone(str(value))
        if phone is None:
            return reject("applicant_phone", tracker, dispatcher,
                               "没有找到11位的手机号，请再输入一次。")
        return await self._save("applicant_phone", phone, tracker, dispatcher,
                                shown=parsing.mask_phone(phone), applicant_phone=phone)

    async def validate_district(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        district = parsing.find_district(str(value))
        if district is None:
            return reject("district", tracker, dispatcher, "没有找到这个区县，请说重庆的区县名字。")
        return await self._save("district", district, tracker, dispatcher)

    async def validate_street(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        street = str(value).strip(" 。，,")
        if not 2 <= len(street) <= 40 or not any("\u4e00" <= ch <= "\u9fff" for ch in street):
            return reject("street", tracker, dispatcher, "请说街道或乡镇的名字，比如“解放碑街道”。")
        return await self._save("street", street, tracker, dispatcher)

    async def validate_address(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        address = str(value).strip(" 。，,")
        if not 2 <= len(address) <= 200 or not any("\u4e00" <= ch <= "\u9fff" for ch in address):
            return reject("address", tracker, dispatcher,
                               "地址要写清楚一些，比如“民族路100号3单元2楼”，不超过200字。")
        return await self._save("address", address, tracker, dispatcher)

    async def validate_hukou_type(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        hukou = parsing.parse_hukou(str(value))
        if hukou is None:
            return reject("hukou_type", tracker, dispatcher, "是城镇户口还是农村户口？")
        return await self._save("hukou_type", hukou, tracker, dispatcher)

    # Income and assets ------------------------------------------------------------------
    async def _amount(self, slot: str, value: Any, tracker: Tracker,
                      dispatcher: CollectingDispatcher) -> dict[str, Any]:
        amount = parsing.parse_amount(str(value))
        if amount is None or amount > 100_000_000:
            return reject(slot, tracker, dispatcher,
                               "没听明白金额，说个大概数就行，比如“两千五”，没有就说“没有”。")
        return await self._save(slot, f"{amount:g}", tracker, dispatcher, **{slot: amount})

    async def validate_other_income(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return await self._amount("other_income", value, tracker, dispatcher)

    async def validate_deposits(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return await self._amount("deposits", value, tracker, dispatcher)

    async def _short_answer(self, slot: str, value: Any, tracker: Tracker,
                            dispatcher: CollectingDispatcher) -> dict[str, Any]:
        text = str(value).strip(" 。，,")
        if parsing.yes_or_no(text) is False and len(text) <= 4:
            text = "没有"
        if not 1 <= len(text) <= 200:
            return reject(slot, tracker, dispatcher, "请简单说一下，不超过200字。")
        return await self._save(slot, text, tracker, dispatcher)

    async def validate_housing(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return await self._short_answer("housing", value, tracker, dispatcher)

    async def validate_vehicle(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return await self._short_answer("vehicle", value, tracker, dispatcher)

    async def validate_business(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return await self._short_answer("business", value, tracker, dispatcher)

    async def validate_hardship(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = str(value).strip()
        if len(text) < 2:
            return reject("hardship", tracker, dispatcher, "请多说几句家里的困难。")
        if len(text) > 2000:
            dispatcher.utter_message(text="内容比较长，我先保存前2000个字。")
            text = text[:2000]
        return await self._save("hardship", text, tracker, dispatcher)

    # Read-back --------------------------------------------------------------------------
    async def validate_confirm_submit(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = str(value)
        intent = tracker.get_intent_of_latest_message()
        field = next(tracker.get_latest_entity_values("field"), None) or parsing.find_field(text)
        if field in dict(texts.CORRECTABLE_FIELDS) and (
                tracker.get_slot("correcting") or intent == "correct_field"):
            dispatcher.utter_message(text=f"好的，重新填一下{dict(texts.CORRECTABLE_FIELDS)[field]}。")
            return {field: None, "confirm_submit": None, "correcting": None}
        if any(w in text for w in ("修改", "改", "不对", "错")) or \
                (intent == "deny" and "提交" not in text):
            return {"confirm_submit": None, "correcting": True}
        if any(w in text for w in ("确认", "提交")) or parsing.yes_or_no(text) is True or \
                intent in ("submit", "affirm"):
            return {"confirm_submit": "yes", "correcting": None}
        return reject("confirm_submit", tracker, dispatcher,
                           "没问题请点“确认提交”，要改就点“修改”。")
