"""Escalations to staff, eligibility pre-checks, idempotency records and look-up attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, Timestamped


class Escalation(Timestamped, Base):
    """A question handed from the bot to a person: open → claimed → answered → closed."""

    __tablename__ = "escalation"
    __table_args__ = (Index("ix_escalation_status_priority", "status", "priority"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_user: Mapped[str] = mapped_column(String(128), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("assistance_case.id", ondelete="SET NULL"))
    district: Mapped[str | None] = mapped_column(String(16))
    question: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(8), default="normal")  # normal | urgent
    status: Mapped[str] = mapped_column(String(10), default="open")
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    claimed_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    replies: Mapped[list[EscalationReply]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="EscalationReply.id"
    )


class EscalationReply(Timestamped, Base):
    __tablename__ = "escalation_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        ForeignKey("escalation.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    text: Mapped[str] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]


class EligibilityPrecheck(Timestamped, Base):
    __tablename__ = "eligibility_precheck"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_user: Mapped[str] = mapped_column(String(128), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("assistance_case.id", ondelete="SET NULL"))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)


class IdempotencyRecord(Timestamped, Base):
    """The stored response of a retryable write, keyed by client key and scope."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(200))  # method + route + principal
    key: Mapped[str] = mapped_column(String(100))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response_body: Mapped[str] = mapped_column(Text)


class LookupAttempt(Timestamped, Base):
    """A case look-up by case number and ID tail from a chat, for the failure limit."""

    __tablename__ = "lookup_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_user: Mapped[str] = mapped_column(String(128), index=True)
    succeeded: Mapped[bool]
