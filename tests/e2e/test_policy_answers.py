"""Policy questions answered from the regulations, with the source, through the REST channel."""

from __future__ import annotations

import re

from tests.e2e.conftest import Chat


def test_policy_questions_are_answered_with_their_source(chat: Chat) -> None:
    for question in ("有精神病可以办低保吗", "子女有工作能申请低保吗", "有车能不能吃低保"):
        replies = chat.say(question)
        text = "\n".join(r.get("text", "") for r in replies)
        assert "依据" in text and "《" in text, (question, text)
    button = next(b for r in replies for b in r.get("buttons", [])
                  if b["payload"].startswith("/show_article"))
    article = chat.text(button["payload"])
    assert re.search(r"第.+条|[一二三四五六七八九十]+、", article), article


def test_questions_outside_social_assistance_are_not_made_up(chat: Chat) -> None:
    replies = chat.say("北京的低保标准是多少")
    text = "\n".join(r.get("text", "") for r in replies)
    assert "依据" not in text
    assert any(b["payload"] == "/request_human" for r in replies for b in r.get("buttons", []))
