"""Request bodies of the certificate, notice, objection and linked-benefit endpoints."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from backend.schemas import Amount, ChannelUser, FreeText, Strict

CaseNo = Annotated[str, Field(min_length=1, max_length=30)]
NoticeNo = Annotated[str, Field(min_length=6, max_length=30, pattern=r"^[A-Za-z0-9 \-－]+$")]


class CertificateRequest(Strict):
    channel_user: ChannelUser
    case_no: CaseNo | None = None  # default: the chat user's newest approved case


class ObjectionIn(Strict):
    channel_user: ChannelUser
    notice_no: NoticeNo
    reason: FreeText
    contact: Annotated[str, Field(min_length=1, max_length=60)] | None = None


class ObjectionResolution(Strict):
    resolution: Annotated[str, Field(min_length=1, max_length=2000)]


class NoticeAmountIn(Strict):
    monthly_amount: Amount | None  # yuan per month; null clears it
