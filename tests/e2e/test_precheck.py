"""The eligibility pre-check through Rasa's REST channel: from scratch and in the middle of an
application, each checked afterwards in the backend's records."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from tests.e2e.conftest import Chat
from tests.e2e.ids import make_id
from tests.e2e.stack import Stack

LABEL = "仅供参考，以审核确认结果为准"


def prechecks_of(stack: Stack, sender: str) -> list[dict[str, Any]]:
    path = stack.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT p.inputs, p.result, c.case_no FROM eligibility_precheck p "
            "LEFT JOIN assistance_case c ON c.id = p.case_id WHERE p.channel_user = ? "
            "ORDER BY p.id", (sender,)).fetchall()
    return [{"inputs": json.loads(i), "result": json.loads(r), "case_no": c} for i, r, c in rows]


def test_precheck_from_scratch_suggests_tekun_with_its_citation(chat: Chat, stack: Stack) -> None:
    reply = chat.text("我符合特困吗")
    assert "资格预检" in reply and "哪个区县" in reply
    assert "城镇户口还是农村户口" in chat.text("石柱")
    assert "几口人" in chat.text("农村")
    assert "收入" in chat.text("就我一个")
    assert "存款" in chat.text("没有收入")
    assert "住房" in chat.text("没有")
    assert "汽车" in chat.text("借住亲戚家")
    assert "干活" in chat.text("没有")
    assert "赡养" in chat.text("干不了")
    assert "急事" in chat.text("没有")
    replies = chat.say("没有")
    text = "\n".join(r.get("text", "") for r in replies)
    assert LABEL in text
    assert "建议申请：特困人员救助供养" in text
    assert "依据：《特困人员认定办法》第四条" in text
    assert "申请特困" in [b["title"] for r in replies for b in r.get("buttons", [])]
    [record] = prechecks_of(stack, chat.sender)
    assert record["result"]["suggested"] == ["tekun"]
    assert record["inputs"]["district"] == "石柱土家族自治县" and record["inputs"]["size"] == 1
    # A policy question is still answered by the policy answerer, not taken for a pre-check.
    reply = chat.text("有精神病可以办低保吗")
    assert "依据" in reply and "几口人" not in reply and "哪个区县" not in reply
    # The offered application starts with the suggested type.
    assert "给自己申请" in chat.buttons("我要申请特困")


def test_precheck_in_the_middle_of_the_application_reuses_answers_and_resumes(
        chat: Chat, stack: Stack) -> None:
    chat.text("我想申请低保")
    chat.text("给自己申请")
    chat.text("王秀英")
    chat.text(make_id("19580312", 122))
    chat.text("13800001234")
    chat.text("渝中")
    chat.text("解放碑街道")
    chat.text("民族路100号3单元2楼")
    assert "一起生活" in chat.text("城镇")
    reply = chat.text("帮我算算够不够条件")
    # District and hukou were already given in the application: not asked again.
    assert "资格预检" in reply and "区县、户口" in reply and "几口人" in reply
    assert "收入" in chat.text("三口人")
    assert "存款" in chat.text("我一千五，老伴八百")
    assert "住房" in chat.text("没有")
    assert "汽车" in chat.text("只有一套自住房")
    assert "干活" in chat.text("没有")
    assert "急事" in chat.text("能干活")
    reply = chat.text("没有")
    assert LABEL in reply and "人均约767元" in reply
    assert "还没有核实的数字：渝中区城市低保标准" in reply and "渝中区民政局" in reply
    # The application goes on at the question it was on.
    assert "我们接着填申请" in reply and "一起生活" in reply
    assert "身份证号" in chat.text("儿子李强")
    [record] = prechecks_of(stack, chat.sender)
    assert record["case_no"] is not None  # linked to the draft being filled
    assert record["inputs"]["monthly_income"] == 2300 and record["inputs"]["size"] == 3
    assert record["result"]["missing_figures"] == ["渝中区:dibao_urban"]


def test_backend_outage_shows_the_result_and_records_it_with_the_next_precheck(
        chat: Chat, stack: Stack) -> None:
    answers = ("万州", "城镇", "两口人", "没有收入", "没有", "租房住", "没有", "能干活")
    assert "哪个区县" in chat.text("帮我算算够不够条件")
    for answer in answers:
        chat.text(answer)
    stack.stop_backend()
    try:
        reply = chat.text("有")  # a sudden emergency
    finally:
        stack.start_backend()
    assert LABEL in reply and "建议申请：临时救助" in reply and "依据：《社会救助暂行办法》第四十七条" in reply
    assert "建议申请：低保" in reply  # no income and no assets fit whatever the amount
    assert "系统暂时连不上" in reply
    assert prechecks_of(stack, chat.sender) == []

    assert "哪个区县" in chat.text("我能不能办低保")
    for answer in answers:
        chat.text(answer)
    reply = chat.text("没有")
    assert LABEL in reply and "系统暂时连不上" not in reply
    records = prechecks_of(stack, chat.sender)
    assert [r["result"]["suggested"] for r in records] == [["dibao", "linshi"], ["dibao"]]
