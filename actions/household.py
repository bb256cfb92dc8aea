"""Household members: collected one at a time in the form, changed or removed by talking."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import drafts, parsing, texts
from actions.attempts import accept, reject
from actions.backend_client import BackendRefused, BackendUnavailable, backend

CLEARED_MEMBER = {"member_entry": None, "member_name": None, "member_id_number": None,
                  "member_income": None, "member_health": None}


class HouseholdValidation:
    """Validators of the member loop, mixed into the application form's validation action."""

    async def validate_member_entry(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        text = str(value)
        if parsing.is_finished(text) or tracker.get_intent_of_latest_message() == "finish_members":
            return {"member_entry": None, "members_done": True}
        found = parsing.find_relation(text)
        if found is None:
            return reject("member_entry", tracker, dispatcher,
                               "请先说这位家人和申请人的关系，比如“儿子李强”、“老伴”。没有别人了就说“没有了”。")
        word, relation = found
        result = accept("member_entry", tracker, relation)
        rest = text.split(word, 1)[1]
        name = parsing.clean_name(re.sub(r"^(叫|是|名字叫|，|,|\s)+", "", rest))
        if name:
            result["member_name"] = name
        return result

    async def validate_member_name(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        name = parsing.clean_name(str(value))
        if name is None:
            return reject("member_name", tracker, dispatcher, "这个名字好像不对。")
        return accept("member_name", tracker, name)

    async def validate_member_id_number(self, value: Any, dispatcher: CollectingDispatcher,
                                        tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        number = parsing.find_id_number(str(value))
        problem = parsing.id_number_problem(number) if number else "没有找到18位的身份证号。"
        if number is None or problem:
            return reject("member_id_number", tracker, dispatcher, str(problem))
        return accept("member_id_number", tracker, number)

    async def validate_member_income(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        amount = parsing.parse_amount(str(value))
        if amount is None:
            return reject("member_income", tracker, dispatcher,
                               "没听明白金额，比如“两千五”，没有收入就说“没有”。")
        return accept("member_income", tracker, f"{amount:g}")

    async def validate_member_health(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        health, student = parsing.parse_health(str(value))
        if health is None:
            return reject("member_health", tracker, dispatcher,
                               "请选一个：健康、慢性病、重病、残疾，或者在上学。")
        member = {
            "relation": tracker.get_slot("member_entry"), "name": tracker.get_slot("member_name"),
            "id_number": tracker.get_slot("member_id_number"),
            "monthly_income": float(tracker.get_slot("member_income") or 0),
            "health": health, "is_student": student,
        }
        try:
            updates = await drafts.save(tracker, dispatcher, member=member)
        except BackendRefused as refused:
            dispatcher.utter_message(text=f"{refused.message}。这位家人没有登记上，请重新说一下。")
            return {**CLEARED_MEMBER}
        dispatcher.utter_message(text=f"记下了：{member['relation']}{member['name']}。")
        return {**CLEARED_MEMBER, **updates}


class ActionAskMemberEntry(Action):
    """Ask for the next member, showing who is already registered."""

    def name(self) -> str:
        return "action_ask_member_entry"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        names = await _member_names(tracker)
        who = "申请人" if tracker.get_slot("applying_for") == "other" else "您"
        if names:
            text = (f"已登记的家人：{'、'.join(names)}。还有别的家人和{who}一起生活吗？"
                    "有就说关系和名字，没有就说“没有了”。")
        else:
            text = (f"家里还有谁和{who}一起生活（同一个户口或者一起吃住）？请说关系和名字，比如“儿子李强”。"
                    "只有一个人就说“没有了”。")
        dispatcher.utter_message(text=text, buttons=[{"title": "没有了", "payload": "没有了"}])
        return []


async def _member_names(tracker: Tracker) -> list[str]:
    case_no = tracker.get_slot("case_no")
    pending = (tracker.get_slot("unsynced") or {}).get(drafts.MEMBERS_KEY, [])
    names = [f"{m['relation']}{m['name']}" for m in pending]
    if case_no:
        try:
            case = await backend().get_case(case_no, tracker.sender_id)
            names = [f"{m['relation']}{m['name']}" for m in case["members"]] + names
        except (BackendUnavailable, BackendRefused):
            pass
    return names


def _find_member(case: dict[str, Any], text: str) -> dict[str, Any] | None:
    found = parsing.find_relation(text)
    for member in case["members"]:
        if member["name"] and member["name"] in text:
            return member
        if found and member["relation"] in (found[0], found[1]):
            return member
    return None


async def _current_case(tracker: Tracker, dispatcher: CollectingDispatcher
                        ) -> dict[str, Any] | None:
    case_no = tracker.get_slot("case_no")
    if not case_no:
        dispatcher.utter_message(text="还没有正在填写的申请。要开始申请请说“申请救助”。")
        return None
    try:
        return await backend().get_case(case_no, tracker.sender_id)
    except BackendUnavailable:
        dispatcher.utter_message(text=texts.BACKEND_DOWN)
    except BackendRefused as refused:
        dispatcher.utter_message(text=refused.message)
    return None


CHANGE_WORDS = ("改成", "改为", "改一下", "改下", "写错", "填错", "输错", "不对", "应该是", "其实是")
REMOVE_WORDS = ("删", "去掉", "不算", "移除", "不要", "拿掉")


def edit_requested(intent: str | None, text: str) -> bool:
    """Whether a message typed during the form is really a change to the household list."""
    if intent == "change_member":
        return any(word in text for word in CHANGE_WORDS)
    if intent == "remove_member":
        return any(word in text for word in REMOVE_WORDS)
    return intent == "list_members"


async def edit_members(intent: str | None, tracker: Tracker,
                       dispatcher: CollectingDispatcher) -> None:
    text = tracker.latest_message.get("text", "")
    if intent == "change_member":
        await change_member(text, tracker, dispatcher)
    elif intent == "remove_member":
        await remove_member(text, tracker, dispatcher)
    else:
        await list_members(tracker, dispatcher)


async def change_member(text: str, tracker: Tracker, dispatcher: CollectingDispatcher) -> None:
    """'把我儿子的收入改成三千' / '老伴是残疾' / '孙子的身份证号是…'."""
    case = await _current_case(tracker, dispatcher)
    if case is None:
        return
    member = _find_member(case, text)
    if member is None:
        dispatcher.utter_message(text="没找到要改的是哪位家人，请说关系或名字，比如“把儿子的收入改成三千”。")
        return
    changes: dict[str, Any] = {}
    tail = re.split(r"改成|改为|是|应该|其实", text, maxsplit=1)[-1]
    if number := parsing.find_id_number(text):
        if problem := parsing.id_number_problem(number):
            dispatcher.utter_message(text=problem)
            return
        changes["id_number"] = number
    elif any(w in text for w in ("收入", "挣", "工资", "钱")):
        amount = parsing.parse_amount(tail)
        if amount is not None:
            changes["monthly_income"] = amount
    elif any(w in text for w in ("名字", "姓名", "叫")):
        if name := parsing.clean_name(tail):
            changes["name"] = name
    else:
        health, student = parsing.parse_health(tail)
        if health:
            changes.update(health=health, is_student=student)
    if not changes:
        dispatcher.utter_message(text=f"要把{member['relation']}{member['name']}的什么改成什么？"
                                 "比如“把儿子的收入改成三千”。")
        return
    if not await _call(dispatcher, backend().update_member(case["case_no"], tracker.sender_id,
                                                           member["id"], changes)):
        return
    described = {"monthly_income": lambda v: f"月收入改为{texts.money(v)}",
                 "id_number": lambda v: f"身份证号改为{parsing.mask_id(v)}",
                 "name": lambda v: f"名字改为{v}",
                 "health": lambda v: f"身体状况改为{parsing.HEALTH_NAMES[v]}",
                 "is_student": lambda v: "在上学" if v else ""}
    said = "，".join(filter(None, (described[k](v) for k, v in changes.items())))
    dispatcher.utter_message(text=f"好的，{member['relation']}{member['name']}：{said}。")


async def remove_member(text: str, tracker: Tracker, dispatcher: CollectingDispatcher) -> None:
    case = await _current_case(tracker, dispatcher)
    if case is None:
        return
    member = _find_member(case, text)
    if member is None:
        dispatcher.utter_message(text="没找到要删掉的是哪位家人，请说关系或名字。")
        return
    if await _call(dispatcher, backend().remove_member(case["case_no"], tracker.sender_id,
                                                       member["id"])):
        dispatcher.utter_message(
            text=f"好的，已经把{member['relation']}{member['name']}从家庭成员里删掉了。")


async def list_members(tracker: Tracker, dispatcher: CollectingDispatcher) -> None:
    case = await _current_case(tracker, dispatcher)
    if case is None:
        return
    if not case["members"]:
        dispatcher.utter_message(text="现在还没有登记家庭成员。")
        return
    lines = [f"· {m['relation']}{m['name']}，身份证{m['id_number_masked']}，"
             f"{texts.income(m['monthly_income'])}" for m in case["members"]]
    dispatcher.utter_message(text="已登记的家庭成员：\n" + "\n".join(lines))


async def _call(dispatcher: CollectingDispatcher, request: Any) -> bool:
    try:
        await request
    except BackendUnavailable:
        dispatcher.utter_message(text=texts.BACKEND_DOWN)
        return False
    except BackendRefused as refused:
        dispatcher.utter_message(text=refused.message)
        return False
    return True


class ActionChangeMember(Action):
    def name(self) -> str:
        return "action_change_member"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        await change_member(tracker.latest_message.get("text", ""), tracker, dispatcher)
        return []


class ActionRemoveMember(Action):
    def name(self) -> str:
        return "action_remove_member"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        await remove_member(tracker.latest_message.get("text", ""), tracker, dispatcher)
        return []


class ActionListMembers(Action):
    def name(self) -> str:
        return "action_list_members"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        await list_members(tracker, dispatcher)
        return []
