"""Request bodies of the helper registry (帮办代办人登记), for the staff API and the console."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from backend.schemas import PersonName, ShortText, Strict, _check_district, _check_id, _check_phone

HelperKind = Literal["relative", "community_worker", "volunteer"]


class RegisteredHelperIn(Strict):
    name: PersonName
    kind: HelperKind
    phone: Annotated[str, Field(max_length=20)]
    id_number: Annotated[str, Field(max_length=25)] | None = None
    organisation: ShortText | None = None
    district: Annotated[str, Field(max_length=20)] | None = None  # city role only; else own 区县

    _phone = field_validator("phone")(_check_phone)
    _id = field_validator("id_number")(_check_id)
    _district = field_validator("district")(_check_district)
