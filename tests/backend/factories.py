"""Valid test data: ID numbers with correct check digits, whole applications."""

from __future__ import annotations

import itertools
from typing import Any

from backend.privacy.id_numbers import check_digit

_sequence = itertools.count(101)


def make_id(birth: str = "19580312", region: str = "500103", sequence: int | None = None) -> str:
    """A checksum-valid 18-digit ID number (fictitious: region + birth date + sequence)."""
    first17 = f"{region}{birth}{(sequence or next(_sequence)) % 1000:03d}"
    return first17 + check_digit(first17)


def complete_case(channel_user: str = "chat-1", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel_user": channel_user,
        "assistance_type": "dibao",
        "applicant_name": "王秀英",
        "applicant_id_number": make_id("19580312"),
        "applicant_phone": "13800001234",
        "applicant_monthly_income": 800,
        "district": "渝中区",
        "street": "解放碑街道",
        "address": "民族路100号3单元2楼",
        "hukou_type": "urban",
        "hardship": "老伴去年去世，我身体不好，儿子残疾，没有稳定收入。",
        "members": [
            {"relation": "儿子", "name": "李强", "id_number": make_id("19850607"),
             "monthly_income": 1200.5, "health": "disabled"},
            {"relation": "孙女", "name": "李小雨", "id_number": make_id("20150101"),
             "is_student": True},
        ],
    }
    body.update(overrides)
    return body
