"""The read-back of an application before it is submitted."""

from __future__ import annotations

from typing import Any

from actions import texts


def case(**changes: Any) -> dict[str, Any]:
    return {"assistance_type": "dibao", "district": "渝中区", "street": "解放碑街道",
            "address": "民生路12号", "hukou_type": "urban", "members": [], "other_income": 0,
            "deposits": 20000, "housing": "自己的房子", "vehicle": "没有", "business": "没有",
            "hardship": "老伴去世，看病花钱多",
            "applicant": {"name": "李秀兰", "id_number_masked": "500***********1230",
                          "phone_masked": "137****2222"}, **changes}


def test_read_back_of_incomes() -> None:
    assert "其他收入：没有；存款：20000元" in texts.summary(case())
    assert "其他收入：每月1500元；" in texts.summary(case(other_income=1500))
    assert "其他收入：未填；" in texts.summary(case(other_income=None))
