"""Words that mark a message as urgent (断炊, 住院, 想不开 ...), shared by the dialogue
policy that reacts to them and the action that escalates.

Pure Python on purpose: the action server imports it without loading Rasa.
"""

from __future__ import annotations

URGENT_WORDS: tuple[str, ...] = (
    "断炊", "没饭吃", "吃不上饭", "揭不开锅", "饿肚子",
    "住院", "急诊", "抢救", "病危",
    "火灾", "着火", "房子烧了", "房子塌了", "倒塌",
    "无家可归", "没地方住", "流落街头", "睡大街",
    "想不开", "不想活", "活不下去", "自杀", "轻生",
)


def urgent_words_in(text: str) -> list[str]:
    """The urgent words in a user's text, in list order; none for a button payload."""
    if not text or text.startswith("/"):
        return []
    return [word for word in URGENT_WORDS if word in text]
