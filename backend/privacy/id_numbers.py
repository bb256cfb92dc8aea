"""Resident ID numbers (GB 11643-1999) and mobile numbers: validation and masking."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")
_MOBILE_SHAPE = re.compile(r"^1[3-9]\d{9}$")


class InvalidIdNumber(ValueError):
    """The text is not a valid 18-digit resident ID number; `reason` is plain Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class IdNumber:
    """A checked ID number with what it tells about its holder."""

    value: str
    birth_date: date
    is_male: bool

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @property
    def tail(self) -> str:
        return self.value[-4:]


def check_digit(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def parse_id_number(text: str, *, today: date | None = None) -> IdNumber:
    """Validate shape, birth date and checksum; raise `InvalidIdNumber` with a reason."""
    value = text.strip().upper().replace(" ", "")
    if len(value) == 15 and value.isdigit():
        raise InvalidIdNumber("这是15位的老身份证号，请提供18位的新身份证号")
    if len(value) != 18:
        raise InvalidIdNumber("身份证号应为18位")
    if not _ID_SHAPE.match(value):
        raise InvalidIdNumber("身份证号前17位应为数字，最后一位为数字或X")
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise InvalidIdNumber("身份证号中的出生日期不正确") from exc
    today = today or date.today()
    if birth > today or birth.year < 1900:
        raise InvalidIdNumber("身份证号中的出生日期不正确")
    if check_digit(value[:17]) != value[17]:
        raise InvalidIdNumber("身份证号校验位不对，请核对后重新输入")
    return IdNumber(value=value, birth_date=birth, is_male=int(value[16]) % 2 == 1)


def is_mobile_number(text: str) -> bool:
    return bool(_MOBILE_SHAPE.match(text))


def mask_id_number(value: str) -> str:
    """`500***********1234`: the first three and the last four characters."""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """`138****5678`."""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """`张*明` / `张*`: for public or semi-public listings."""
    if len(value) <= 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
