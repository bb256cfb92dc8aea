"""Whole applications in colloquial Chinese through Rasa's REST channel, checked afterwards
through the staff API: the case holds exactly what the person said."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import Chat
from tests.e2e.ids import make_id, masked
from tests.e2e.stack import Stack, http_json

GRANDMA_ID = make_id("19580312", 122)
SON_ID = make_id("19850607", 311)
GRANDDAUGHTER_ID = make_id("20150101", 402)


def staff_case(stack: Stack, staff: dict[str, str], case_no: str) -> dict[str, Any]:
    status, case = http_json("GET", f"{stack.backend_url}/api/v1/cases/{case_no}",
                             headers=staff)
    assert status == 200, case
    return case


def case_number(text: str) -> str:
    match = re.search(r"CQ\d{6}-[A-Z0-9]{8}", text)
    assert match, text
    return match.group(0)


def signing_codes(text: str) -> dict[str, str]:
    """{"儿子李强": "ABCD-EFGH", ...} from the message that hands out signing codes."""
    return {m.group(1): m.group(2)
            for m in re.finditer(r"· (\S+?)：([A-Z0-9]{4}-[A-Z0-9]{4})", text)}


def test_grandma_applies_for_dibao_with_her_family(chat: Chat, stack: Stack,
                                                   staff: dict[str, str]) -> None:
    assert "申请" in chat.text("你好")
    assert "给自己申请" in chat.buttons("我想申请低包")
    assert "叫什么名字" in chat.text("我自己")
    assert "身份证号" in chat.text("我叫王秀英")
    # A wrong checksum is refused with the reason, and the question stays.
    reply = chat.text(GRANDMA_ID[:17] + ("1" if GRANDMA_ID[17] != "1" else "2"))
    assert "校验" in reply and "身份证号" in reply
    # A question in the middle is answered with its source, then the same question again.
    reply = chat.text("为什么要身份证号")
    assert "依据" in reply and "18位身份证号" in reply
    assert "手机号" in chat.text(GRANDMA_ID)
    assert "区县" in chat.text("13800001234")
    assert "街道" in chat.text("渝中")
    assert "住址" in chat.text("解放碑街道")
    assert "城镇户口" in chat.buttons("民族路100号3单元2楼")
    assert "一起生活" in chat.text("城镇")
    assert "身份证号" in chat.text("儿子李强")
    assert "收入" in chat.text(SON_ID)
    assert "身体" in chat.text("两千五")
    reply = chat.text("残疾")
    assert "儿子李强" in reply and "还有别的家人" in reply
    assert "身份证号" in chat.text("孙女李小雨")
    chat.text(GRANDDAUGHTER_ID)
    chat.text("没有")
    assert "孙女李小雨" in chat.text("在上学")
    assert "别的收入" in chat.text("没有了")
    assert "存款" in chat.text("养老金一千")
    assert "住房" in chat.text("没有")
    chat.text("只有一套自住房")
    chat.text("没有")
    assert "困难" in chat.text("没有")
    reply = chat.text("老伴去年走了，我身体不好，儿子残疾，没有稳定收入")
    assert "请核对" in reply and "儿子李强，月收入2500元" in reply
    # Corrections by talking, then from the read-back.
    reply = chat.text("把我儿子的收入改成三千")
    assert "3000元" in reply
    assert "要改哪一项" in chat.text("修改")
    assert "手机号" in chat.text("电话写错了")
    reply = chat.text("13900005678")
    assert "139****5678" in reply and "请核对" in reply
    reply = chat.text("确认提交")
    case_no = case_number(reply)
    assert "残疾人证" in reply and "在读证明" in reply and "10到20个工作日" in reply

    # Signing: the applicant by typing her name; the adult son with a one-time code.
    assert "授权书" in chat.text("签字")
    reply = chat.text("王秀英")
    assert "已签署 1/2" in reply
    codes = signing_codes(reply)
    son = Chat(stack)
    assert "姓名" in son.text(f"签署码 {codes['儿子李强']}")
    assert "后4位" in son.text("李强")
    assert "已签署 2/2" in son.text(SON_ID[-4:])

    progress = chat.text("查询进度")
    assert case_no in progress and "等待街道（乡镇）受理" in progress

    case = staff_case(stack, staff, case_no)
    assert case["assistance_type"] == "dibao"
    assert case["status"] == "submitted"
    assert case["district"] == "渝中区"
    assert case["helper"] is None
    assert case["applicant"]["name"] == "王秀英"
    assert case["applicant"]["id_number_masked"] == masked(GRANDMA_ID)
    assert case["applicant"]["phone_masked"] == "139****5678"
    assert [(m["relation"], m["name"], m["id_number_masked"], m["monthly_income"], m["health"])
            for m in case["members"]] == [
        ("儿子", "李强", masked(SON_ID), 3000.0, "disabled"),
        ("孙女", "李小雨", masked(GRANDDAUGHTER_ID), None if False else 0.0, "healthy")]
    assert case["other_income"] == 1000.0
    assert case["deposits"] == 0.0
    assert case["signatures"]["text"] == "已签署 2/2"


def test_volunteer_applies_for_an_old_man_who_signs_by_code(chat: Chat, stack: Stack,
                                                             staff: dict[str, str]) -> None:
    old_man = make_id("19450815", 517)
    assert "您自己的姓名" in chat.text("我是网格员，帮群众申请特困")
    assert "手机号" in chat.text("刘敏")
    assert "申请人叫什么名字" in chat.text("13900005678")
    assert "申请人的18位身份证号" in chat.text("张德明")
    chat.text(old_man)
    chat.text("没有手机，填我的13900005678")
    chat.text("石柱县")
    chat.text("南宾街道")
    chat.text("城南路5号")
    chat.text("农村户口")
    assert "别的收入" in chat.text("没有了")
    for answer in ("没有", "没有", "借住亲戚家", "没有", "没有"):
        chat.text(answer)
    reply = chat.text("老人八十一岁，无儿无女，腿脚不便，没有收入")
    assert "代办人：刘敏（网格员）" in reply
    case_no = case_number(chat.text("确认提交"))
    offered = chat.say("刘敏")  # typed instead of tapping 签署授权书: that button again
    assert [b["title"] for r in offered for b in r.get("buttons", [])] == ["签署授权书", "转人工"]
    reply = chat.text("签署授权书")
    codes = signing_codes(reply)
    assert list(codes) == ["申请人张德明"]
    grandpa = Chat(stack)
    grandpa.text(f"我收到签署码{codes['申请人张德明']}")
    grandpa.text("张德明")
    assert "已签署 1/1" in grandpa.text(old_man[-4:])
    assert case_no in grandpa.text("我的申请到哪一步了")

    case = staff_case(stack, staff, case_no)
    assert case["assistance_type"] == "tekun"
    assert case["district"] == "石柱土家族自治县"
    assert case["hukou_type"] == "rural"
    assert case["helper"]["name"] == "刘敏" and case["helper"]["relation"] == "网格员"
    assert case["applicant"]["name"] == "张德明"
    assert case["members"] == []
