"""Scrub ID and phone numbers out of any text before it is logged."""

from __future__ import annotations

import re

_ID_LIKE = re.compile(r"(?<!\d)(\d{6})\d{8,11}([\dXx])(?!\d)")
_PHONE_LIKE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_LONG_DIGITS = re.compile(r"(?<!\d)\d{12,}(?!\d)")  # bank cards and the like


def redact(text: str) -> str:
    """Replace anything shaped like an ID, mobile or card number with a masked form."""
    text = _ID_LIKE.sub(lambda m: m.group(1)[:3] + "***", text)
    text = _PHONE_LIKE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    return _LONG_DIGITS.sub("***", text)
