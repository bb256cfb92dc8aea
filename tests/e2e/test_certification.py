"""A recipient certifies eligibility through Rasa's REST channel after staff approved the case;
staff then see the certification and the task for the changes reported."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from tests.e2e.conftest import Chat
from tests.e2e.ids import make_id
from tests.e2e.stack import Stack, http_json

APPLICANT_ID = make_id("19490521", 618)


def approved_case(stack: Stack, staff: dict[str, str], sender: str) -> dict[str, Any]:
    """刘桂兰's dibao case (3 people, 江北区观音桥街道), filed from this chat, then approved."""
    service = {"Authorization": f"Bearer {stack.env['SERVICE_TOKEN']}"}
    status, case = http_json("POST", f"{stack.backend_url}/api/v1/service/cases", {
        "channel_user": sender, "assistance_type": "dibao", "applicant_name": "刘桂兰",
        "applicant_id_number": APPLICANT_ID, "applicant_phone": "13700002345",
        "district": "江北区", "street": "观音桥街道", "address": "建新北路9号",
        "hukou_type": "urban", "hardship": "老伴瘫痪在床，靠我照顾，没有收入。",
        "members": [{"relation": "配偶", "name": "陈国富", "id_number": make_id("19470303", 619),
                     "health": "disabled"},
                    {"relation": "孙子", "name": "陈乐", "id_number": make_id("20120909", 620),
                     "is_student": True}]}, headers=service)
    assert status == 201, case
    for target in ("accepted", "verifying", "reviewing", "approved"):
        status, body = http_json("POST", f"{stack.backend_url}/api/v1/cases/{case['case_no']}/"
                                 "transitions", {"to": target, "reason": "符合条件"}, headers=staff)
        assert status == 200, body
    return case


def fact_answer(reply: str, right: bool) -> str:
    if "几口人" in reply:
        return "一家三口" if right else "五口人"
    assert "街道" in reply, reply
    return "观音桥街道" if right else "解放碑街道"


def test_recipient_certifies_and_staff_see_the_changes(chat: Chat, stack: Stack,
                                                       staff: dict[str, str]) -> None:
    case = approved_case(stack, staff, chat.sender)
    reply = chat.text("我要做年审")
    assert case["case_no"] in reply and "待遇资格认证" in reply and "姓名" in reply
    assert "最后4位" in chat.text("刘桂兰")
    fact_question = chat.text(APPLICANT_ID[-4:])
    # A wrong fact: refused without saying which answer was wrong, and asked again.
    reply = chat.text(fact_answer(fact_question, right=False))
    assert "还可以再试2次" in reply and "姓名" in reply
    chat.text("刘桂兰")
    fact_question = chat.text(APPLICANT_ID[-4:])
    reply = chat.text(fact_answer(fact_question, right=True))
    assert "身份核对通过" in reply and "登记的地址" in reply
    assert "现在的住址" in chat.text("搬家了")
    assert "人口有变化" in chat.text("搬到渝北区龙溪街道金龙路8号了")
    assert "收入有变化" in chat.text("没有变化")
    reply = chat.text("有，孙子打零工，每月一千五")
    china_today = datetime.now(timezone(timedelta(hours=8))).date()
    due = china_today + timedelta(days=90)
    assert "资格认证完成" in reply
    assert f"下次认证时间：{due.year}年{due.month}月{due.day}日前" in reply
    assert "转给街道" in reply

    reply = chat.text("下次什么时候认证")
    assert case["case_no"] in reply and "已认证" in reply

    status, listing = http_json("GET", f"{stack.backend_url}/api/v1/certifications?state=done",
                                headers=staff)
    assert status == 200
    assert case["case_no"] in [item["case_no"] for item in listing["items"]]
    status, tasks = http_json("GET", f"{stack.backend_url}/api/v1/case-tasks", headers=staff)
    task = next(t for t in tasks["items"] if t["case_no"] == case["case_no"])
    assert "金龙路8号" in task["description"] and "每月一千五" in task["description"]
    assert not re.search(r"\d{17}[\dX]", str(chat.transcript))  # no whole ID number in chat
