"""Request bodies: strict shapes (unknown fields refused) with limits on every string."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from backend.districts import DISTRICT_SET
from backend.lifecycle import AssistanceType, CaseStatus
from backend.privacy.id_numbers import InvalidIdNumber, is_mobile_number, parse_id_number

# A person's name: Chinese characters (with the middle dot of minority names) or Latin letters.
PersonName = Annotated[
    str,
    Field(min_length=1, max_length=30,
          pattern=r"^[\u3400-\u4dbf\u4e00-\u9fff·•A-Za-z][\u3400-\u4dbf\u4e00-\u9fff·• A-Za-z]*$"),
]
ShortText = Annotated[str, Field(min_length=1, max_length=40)]
ChannelUser = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[\w.:@-]+$")]
FreeText = Annotated[str, Field(min_length=1, max_length=2000)]
Amount = Annotated[Decimal, Field(ge=0, le=100_000_000, max_digits=12, decimal_places=2)]
Relation = Annotated[str, Field(min_length=1, max_length=20,
                                pattern=r"^[\u4e00-\u9fffA-Za-z()（）]+$")]
Health = Literal["healthy", "chronic_illness", "serious_illness", "disabled", "unable_to_work"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _check_id(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return parse_id_number(value).value
    except InvalidIdNumber as exc:
        raise ValueError(exc.reason) from exc


def _check_phone(value: str | None) -> str | None:
    if value is not None and not is_mobile_number(value):
        raise ValueError("手机号应为11位数字，以1开头")
    return value


def _check_district(value: str | None) -> str | None:
    if value is not None and value not in DISTRICT_SET:
        raise ValueError("不是重庆市的区县名称")
    return value


class DraftCreate(Strict):
    channel_user: ChannelUser
    assistance_type: AssistanceType | None = None
    for_self: bool = True  # false: a helper is filing for someone else


class DraftUpdate(Strict):
    """Any subset of the case's own fields; each is saved the moment it is given."""

    assistance_type: AssistanceType | None = None
    applicant_name: PersonName | None = None
    applicant_id_number: str | None = Field(default=None, max_length=25)
    applicant_phone: str | None = Field(default=None, max_length=20)
    applicant_monthly_income: Amount | None = None
    applicant_health: Health | None = None
    district: str | None = Field(default=None, max_length=20)
    street: ShortText | None = None
    address: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    hukou_type: Literal["urban", "rural"] | None = None
    household_size: Annotated[int, Field(ge=1, le=30)] | None = None
    other_income: Amount | None = None
    deposits: Amount | None = None
    housing: Annotated[str, Field(max_length=200)] | None = None
    vehicle: Annotated[str, Field(max_length=200)] | None = None
    business: Annotated[str, Field(max_length=200)] | None = None
    hardship: FreeText | None = None

    _id = field_validator("applicant_id_number")(_check_id)
    _phone = field_validator("applicant_phone")(_check_phone)
    _district = field_validator("district")(_check_district)


class HelperIn(Strict):
    name: PersonName
    phone: str | None = Field(default=None, max_length=20)
    relation: Relation
    organisation: ShortText | None = None

    _phone = field_validator("phone")(_check_phone)


class MemberIn(Strict):
    relation: Relation
    name: PersonName
    id_number: str = Field(max_length=25)
    role: Literal["member", "obligor"] = "member"
    monthly_income: Amount | None = None
    health: Health | None = None
    is_student: bool = False

    _id = field_validator("id_number")(_check_id)


class MemberUpdate(Strict):
    relation: Relation | None = None
    name: PersonName | None = None
    id_number: str | None = Field(default=None, max_length=25)
    role: Literal["member", "obligor"] | None = None
    monthly_income: Amount | None = None
    health: Health | None = None
    is_student: bool | None = None

    _id = field_validator("id_number")(_check_id)


class CompleteCaseIn(DraftUpdate):
    """A whole application in one request (bulk channels, imports, the load benchmark)."""

    channel_user: ChannelUser
    assistance_type: AssistanceType
    helper: HelperIn | None = None
    members: list[MemberIn] = Field(default_factory=list, max_length=30)
    submit: bool = True


class CaseLookup(Strict):
    channel_user: ChannelUser
    case_no: Annotated[str, Field(min_length=1, max_length=30)]
    id_tail: Annotated[str, Field(pattern=r"^\d{3}[\dXx]$")]


class ApplicantSignature(Strict):
    channel_user: ChannelUser
    signer_name: PersonName


class SigningCodeRedeem(Strict):
    channel_user: ChannelUser
    code: Annotated[str, Field(min_length=4, max_length=20, pattern=r"^[A-Za-z0-9-]+$")]
    signer_name: PersonName
    id_tail: Annotated[str, Field(pattern=r"^\d{3}[\dXx]$")]


class Withdrawal(Strict):
    channel_user: ChannelUser
    reason: FreeText | None = None


class EscalationIn(Strict):
    channel_user: ChannelUser
    question: FreeText
    summary: Annotated[str, Field(max_length=4000)] | None = None
    case_no: Annotated[str, Field(max_length=30)] | None = None
    priority: Literal["normal", "urgent"] = "normal"


class PrecheckIn(Strict):
    channel_user: ChannelUser
    case_no: Annotated[str, Field(max_length=30)] | None = None
    inputs: dict[str, Any]
    result: dict[str, Any]

    @field_validator("inputs", "result")
    @classmethod
    def _small(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(repr(value)) > 8000:
            raise ValueError("内容过长")
        return value


class StaffLogin(Strict):
    username: Annotated[str, Field(min_length=1, max_length=40)]
    password: Annotated[str, Field(min_length=1, max_length=200)]


class TransitionIn(Strict):
    to: CaseStatus
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class ReplyIn(Strict):
    text: Annotated[str, Field(min_length=1, max_length=4000)]
