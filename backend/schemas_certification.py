"""Request bodies of the certification API (strict, like `backend.schemas`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from backend.schemas import ChannelUser, Strict

CaseNo = Annotated[str, Field(min_length=1, max_length=30)]
VerificationId = Annotated[str, Field(min_length=10, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
AnswerKey = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[a-z_]+$")]
Answer = Annotated[str, Field(max_length=200)]
ChangeDetail = Annotated[str, Field(min_length=1, max_length=1000)]


class VerificationStart(Strict):
    """Begin an identity check for the chat user's certification (or for one of its cases)."""

    channel_user: ChannelUser
    case_no: CaseNo | None = None


class VerificationAnswers(Strict):
    channel_user: ChannelUser
    answers: dict[AnswerKey, Answer] = Field(max_length=10)  # question key -> what was said


class CertificationIn(Strict):
    """The recipient's answers, after a passed identity check."""

    channel_user: ChannelUser
    verification_id: VerificationId
    still_at_address: bool  # 还住在登记的地址
    address_detail: ChangeDetail | None = None  # the new address, when moved
    household_changed: bool  # 家庭人口有变化
    household_detail: ChangeDetail | None = None
    income_changed: bool  # 收入有变化
    income_detail: ChangeDetail | None = None
