"""What an approved case brings its recipient: certificates, the public notice with its
objections, and the linked benefits granted without a new application."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, Timestamped
from backend.models.case import Case


class Certificate(Timestamped, Base):
    """A certificate of assistance (救助证明): verified by its code, downloaded by a token."""

    __tablename__ = "assistance_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id", ondelete="CASCADE"),
                                         index=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)  # printed; public verification
    download_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    download_expires_at: Mapped[datetime]
    channel_user: Mapped[str] = mapped_column(String(128))  # the chat that asked for it
    # What the certificate states, as it stood when it was issued.
    holder_name: Mapped[str] = mapped_column(String(40))
    id_number_masked: Mapped[str | None] = mapped_column(String(18))
    assistance_type: Mapped[str] = mapped_column(String(16))
    district: Mapped[str] = mapped_column(String(16))
    approved_on: Mapped[date]  # the assistance runs from the approval date
    valid_until: Mapped[date]  # the certificate verifies as valid until this day

    case: Mapped[Case] = relationship(lazy="joined")


class PublicNotice(Base):
    """An approval on the public notice (救助公示) of its 区县; current for NOTICE_DAYS."""

    __tablename__ = "public_notice"
    __table_args__ = (Index("ix_public_notice_district_published", "district", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_no: Mapped[str] = mapped_column(String(20), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id", ondelete="CASCADE"),
                                         unique=True)
    district: Mapped[str] = mapped_column(String(16))
    holder_name_masked: Mapped[str] = mapped_column(String(40))
    assistance_type: Mapped[str] = mapped_column(String(16))
    household_size: Mapped[int | None]
    monthly_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # set by staff
    published_at: Mapped[datetime]

    case: Mapped[Case] = relationship(lazy="joined")


class NoticeObjection(Timestamped, Base):
    """An objection (异议) to a notice, lodged through the chat, resolved by district staff."""

    __tablename__ = "notice_objection"
    __table_args__ = (Index("ix_notice_objection_district_status", "district", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("public_notice.id", ondelete="CASCADE"),
                                           index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id", ondelete="CASCADE"),
                                         index=True)
    district: Mapped[str] = mapped_column(String(16))  # the notice's, for staff scoping
    channel_user: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    contact_enc: Mapped[str | None] = mapped_column(Text)  # encrypted: may be a phone number
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | resolved
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    resolved_at: Mapped[datetime | None]

    notice: Mapped[PublicNotice] = relationship(lazy="joined")


class LinkedBenefit(Base):
    """A benefit granted with an approval (免申即享), for the agency that provides it."""

    __tablename__ = "linked_benefit"
    __table_args__ = (UniqueConstraint("case_id", "benefit_code", name="uq_linked_benefit_case"),
                      Index("ix_linked_benefit_agency", "agency"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id", ondelete="CASCADE"))
    benefit_code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(60))
    agency: Mapped[str] = mapped_column(String(60))
    granted_at: Mapped[datetime]

    case: Mapped[Case] = relationship(lazy="joined")
