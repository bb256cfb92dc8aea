"""Staff users, their login sessions and the audit log of what they read and did."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Timestamped


class StaffUser(Timestamped, Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(12))  # district | city
    district: Mapped[str | None] = mapped_column(String(16))  # null only for the city role
    is_active: Mapped[bool] = mapped_column(default=True)


class StaffSession(Timestamped, Base):
    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime]


class StaffLoginAttempt(Timestamped, Base):
    """A sign-in attempt, for the failure limit per user name (API and console)."""

    __tablename__ = "staff_login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), index=True)
    succeeded: Mapped[bool]


class AuditEntry(Timestamped, Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))  # case.read | case.transition | ...
    case_id: Mapped[int | None] = mapped_column(ForeignKey("assistance_case.id", ondelete="SET NULL"),
                                                index=True)
    detail: Mapped[str | None] = mapped_column(Text)
