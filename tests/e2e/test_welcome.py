"""The three servers answer together through the REST channel."""

from __future__ import annotations

from tests.e2e.conftest import Chat


def test_greeting_shows_the_menu(chat: Chat) -> None:
    replies = chat.say("你好")
    assert "社会救助小助手" in replies[0]["text"]
    assert [b["title"] for b in replies[0]["buttons"]] == ["申请救助", "查询进度", "政策咨询",
                                                           "转人工"]
