from datetime import date

import pytest

from backend.privacy.id_numbers import (
    InvalidIdNumber,
    mask_id_number,
    mask_name,
    mask_phone,
    parse_id_number,
)
from backend.privacy.redaction import redact
from tests.backend.factories import make_id


def test_valid_number_gives_birth_date_sex_and_age() -> None:
    parsed = parse_id_number(make_id("19580312", sequence=122))
    assert parsed.birth_date == date(1958, 3, 12)
    assert parsed.is_male is False  # 17th digit 2 is even
    assert parsed.age_on(date(2026, 3, 11)) == 67
    assert parsed.age_on(date(2026, 3, 12)) == 68


def test_known_public_example_number() -> None:
    # The worked example of GB 11643-1999 itself.
    assert parse_id_number("11010519491231002X").birth_date == date(1949, 12, 31)


def test_lower_case_x_and_spaces_are_normalised() -> None:
    assert parse_id_number(" 11010519491231002x ").value == "11010519491231002X"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("110105194912310021", "校验位"),
        ("110105194902300028", "出生日期"),
        ("110105210001010011", "出生日期"),
        ("110105491231002", "15位"),
        ("1101051949", "18位"),
        ("11010519491231002Y", "数字"),
        ("01010519491231002X", "数字"),
    ],
)
def test_invalid_numbers_say_why_in_chinese(text: str, reason: str) -> None:
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number(text, today=date(2026, 12, 4))
    assert reason in caught.value.reason


def test_masks() -> None:
    assert mask_id_number("500103195803121234") == "500***********1234"
    assert mask_phone("13800001234") == "138****1234"
    assert mask_name("张三明") == "张*明"
    assert mask_name("张三") == "张*"


def test_redaction_hides_ids_phones_and_card_numbers() -> None:
    text = "id=500103195803121234 phone 13800001234 card 6222021234567890123"
    cleaned = redact(text)
    assert "500103195803121234" not in cleaned
    assert "13800001234" not in cleaned
    assert "6222021234567890123" not in cleaned
    assert "138****1234" in cleaned
