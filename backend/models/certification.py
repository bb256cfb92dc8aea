"""Eligibility certification (待遇资格认证): schedules, records, identity checks, case tasks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Timestamped


class CertificationSchedule(Timestamped, Base):
    """When an approved recipient must next certify; created by the approval hook."""

    __tablename__ = "certification_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_case.id", ondelete="CASCADE"), unique=True)
    interval_days: Mapped[int]  # days between certifications, fixed when the schedule began
    next_due_on: Mapped[date] = mapped_column(index=True)  # certify on or before this day
    last_certified_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(10), default="active")  # active | stopped


class IdentityVerification(Timestamped, Base):
    """One identity check before a certification: started, answered, then used once."""

    __tablename__ = "identity_verification"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)  # what the bot holds
    case_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_case.id", ondelete="CASCADE"), index=True)
    channel_user: Mapped[str] = mapped_column(String(128))
    method: Mapped[str] = mapped_column(String(20))  # the verifier: knowledge | ...
    # The verifier's own server-side state (for `knowledge`: which fact was asked, never
    # its value). It is not sent to the chat.
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    expires_at: Mapped[datetime]
    verified_at: Mapped[datetime | None]
    used_at: Mapped[datetime | None]  # consumed by one certification


class VerificationAttempt(Timestamped, Base):
    """One answered identity check, for the failure limit per case and per chat user."""

    __tablename__ = "verification_attempt"
    __table_args__ = (Index("ix_verification_attempt_user_time", "channel_user", "created_at"),
                      Index("ix_verification_attempt_case_time", "case_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id", ondelete="CASCADE"))
    channel_user: Mapped[str] = mapped_column(String(128))
    succeeded: Mapped[bool]


class CertificationRecord(Timestamped, Base):
    """A completed certification: the recipient's answers and when (`created_at`)."""

    __tablename__ = "certification_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_case.id", ondelete="CASCADE"), index=True)
    verification_id: Mapped[int] = mapped_column(ForeignKey("identity_verification.id"))
    channel_user: Mapped[str] = mapped_column(String(128))
    method: Mapped[str] = mapped_column(String(20))  # how the identity was verified
    still_at_address: Mapped[bool]
    address_detail: Mapped[str | None] = mapped_column(Text)
    household_changed: Mapped[bool]
    household_detail: Mapped[str | None] = mapped_column(Text)
    income_changed: Mapped[bool]
    income_detail: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date]  # the due date this certification answered
    next_due_on: Mapped[date]  # the due date it set


class CaseTask(Timestamped, Base):
    """Work for the staff of a case's district, e.g. changes reported at a certification."""

    __tablename__ = "case_task"
    __table_args__ = (Index("ix_case_task_status_case", "status", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  # certification_change | ...
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="open")  # open | done
    certification_id: Mapped[int | None] = mapped_column(
        ForeignKey("certification_record.id", ondelete="SET NULL"))
    done_at: Mapped[datetime | None]
    done_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
