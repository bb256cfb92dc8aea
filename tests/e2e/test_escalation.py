"""Escalation to staff over the live stack: urgent words, two misunderstood turns, and a
staff reply that reaches the same chat."""

from __future__ import annotations

import secrets
from typing import Any

from tests.e2e.conftest import Chat
from tests.e2e.console_browser import ConsoleBrowser
from tests.e2e.stack import STAFF_PASSWORD, Stack, http_json


def _escalations_of(stack: Stack, staff: dict[str, str], sender: str) -> list[dict[str, Any]]:
    status, queue = http_json("GET", f"{stack.backend_url}/api/v1/escalations", headers=staff)
    assert status == 200
    return [e for e in queue["items"] if e["channel_user"] == sender]


def test_urgent_words_get_help_at_once_and_a_reply_from_staff(chat: Chat, stack: Stack,
                                                              staff: dict[str, str]) -> None:
    reply = chat.text("家里断炊好几天了，老人还病着")
    assert "110" in reply and "紧急" in reply and "不好意思" not in reply
    [escalation] = _escalations_of(stack, staff, chat.sender)
    assert escalation["priority"] == "urgent" and escalation["status"] == "open"
    assert "断炊" in escalation["summary"]
    status, queue = http_json("GET", f"{stack.backend_url}/api/v1/escalations?status=open",
                              headers=staff)
    assert queue["items"][0]["priority"] == "urgent"  # urgent first

    base = f"{stack.backend_url}/api/v1/escalations/{escalation['id']}"
    assert http_json("POST", f"{base}/claim", {}, headers=staff)[0] == 200
    status, _ = http_json("POST", f"{base}/reply", {"text": "已联系您所在街道，今天下午有人上门。"},
                          headers=staff)
    assert status == 200
    assert "今天下午有人上门" in chat.text("查询进度")


def test_urgent_words_inside_the_form_then_the_form_goes_on(chat: Chat, stack: Stack,
                                                            staff: dict[str, str]) -> None:
    chat.text("申请临时救助")
    assert "叫什么名字" in chat.text("给自己申请")
    reply = chat.text("我现在没地方住了")
    assert "110" in reply and "紧急" in reply and "叫什么名字" in reply  # same question again
    [escalation] = _escalations_of(stack, staff, chat.sender)
    assert escalation["priority"] == "urgent"
    assert "身份证号" in chat.text("刘国强")  # the form goes on from where it was


def test_two_misunderstood_turns_in_a_row_reach_a_person(chat: Chat, stack: Stack,
                                                         staff: dict[str, str]) -> None:
    first = chat.text("阿巴阿巴阿巴")
    assert "没太明白" in first and "工作人员" not in first
    assert _escalations_of(stack, staff, chat.sender) == []
    second = chat.text("叽里咕噜哇啦哇啦")
    assert "转给工作人员" in second
    [escalation] = _escalations_of(stack, staff, chat.sender)
    assert escalation["priority"] == "normal" and "连续两次" in escalation["summary"]


def test_urgent_request_to_apply_gets_help_then_the_application(chat: Chat, stack: Stack,
                                                                staff: dict[str, str]) -> None:
    reply = chat.text("家里着火了，想申请临时救助")
    assert reply.index("110") < reply.index("申请临时救助。") < reply.index("给自己申请")
    [escalation] = _escalations_of(stack, staff, chat.sender)
    assert escalation["priority"] == "urgent"
    assert "叫什么名字" in chat.text("给自己申请")


def test_a_reply_typed_in_the_console_reaches_the_web_chat(stack: Stack,
                                                           staff: dict[str, str]) -> None:
    """The whole way: web chat page → 转人工 → console claim and reply → the same chat."""
    sender = "web-" + secrets.token_hex(8)

    def web_chat(text: str) -> str:
        status, replies = http_json("POST", f"{stack.backend_url}/chat/messages",
                                    {"sender": sender, "message": text})
        assert status == 200, replies
        return "\n".join(r.get("text", "") for r in replies)

    assert "转给工作人员" in web_chat("我要投诉，街道一直不受理我的申请")
    [escalation] = _escalations_of(stack, staff, sender)
    browser = ConsoleBrowser(stack.backend_url)
    browser.sign_in("city", STAFF_PASSWORD)
    status, queue = browser.get("/console/escalations")
    assert status == 200 and f"/console/escalations/{escalation['id']}" in queue
    page = f"/console/escalations/{escalation['id']}"
    status, html = browser.get(page)
    assert status == 200 and "街道一直不受理" in html
    assert browser.submit(f"{page}/claim")[0] == 200
    status, html = browser.submit(f"{page}/reply", text="已转给渝中区民政局，三个工作日内答复您。")
    assert status == 200

    assert "【工作人员回复】已转给渝中区民政局" in web_chat("好的")
    assert "【工作人员回复】" not in web_chat("谢谢")  # delivered once
    [escalation] = _escalations_of(stack, staff, sender)
    assert escalation["status"] == "answered" and escalation["claimed_at"]


def test_a_message_no_rule_expects_gets_one_reply(chat: Chat) -> None:
    """"没有了" out of the blue is understood (the end of the member list) but nothing follows
    from it: one polite reply, and the turn ends (the fallback is not repeated)."""
    replies = chat.say("没有了")
    assert len(replies) == 1 and "没太明白" in replies[0]["text"]
    assert "叫什么名字" in chat.text("我想申请低保") + chat.text("给自己申请")


def test_a_plain_yes_after_a_handover_is_acknowledged(chat: Chat) -> None:
    assert "转给工作人员" in chat.text("转人工")
    replies = chat.say("好的")
    assert len(replies) == 1 and replies[0]["text"] == "好的。还有什么需要帮忙的吗？"
