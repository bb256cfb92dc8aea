"""A case: the application, its applicant, helper, household members and events."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, Timestamped, utcnow

Money = Numeric(12, 2)


class Case(Timestamped, Base):
    __tablename__ = "assistance_case"
    __table_args__ = (Index("ix_case_district_status", "district", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    assistance_type: Mapped[str | None] = mapped_column(String(16))
    district: Mapped[str | None] = mapped_column(String(16))
    street: Mapped[str | None] = mapped_column(String(40))  # 街道 / 乡镇
    address: Mapped[str | None] = mapped_column(String(200))
    hukou_type: Mapped[str | None] = mapped_column(String(8))  # urban | rural
    household_size: Mapped[int | None]
    # Income and assets, as the applicant answered them.
    other_income: Mapped[Decimal | None] = mapped_column(Money)  # monthly, yuan
    deposits: Mapped[Decimal | None] = mapped_column(Money)  # yuan
    housing: Mapped[str | None] = mapped_column(String(200))
    vehicle: Mapped[str | None] = mapped_column(String(200))
    business: Mapped[str | None] = mapped_column(String(200))
    hardship: Mapped[str | None] = mapped_column(Text)
    # Who entered it: the chat user that filed it, and whether a helper did.
    filed_by_channel_user: Mapped[str] = mapped_column(String(128), index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]

    applicant: Mapped[Applicant | None] = relationship(
        back_populates="case", cascade="all, delete-orphan", uselist=False, lazy="joined"
    )
    helper: Mapped[CaseHelper | None] = relationship(
        back_populates="case", cascade="all, delete-orphan", uselist=False, lazy="joined"
    )
    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin",
        order_by="HouseholdMember.id",
    )
    signatures: Mapped[list[AuthorisationSignature]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin",
        order_by="AuthorisationSignature.id",
    )
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", cascade="all, delete-orphan", lazy="selectin",
        order_by="CaseEvent.id",
    )


class PersonalNumbers:
    """Encrypted ID and phone numbers with their lookup hash and masked forms."""

    id_number_enc: Mapped[str | None] = mapped_column(Text)
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    id_number_masked: Mapped[str | None] = mapped_column(String(18))
    birth_date: Mapped[date | None]


class Applicant(PersonalNumbers, Base):
    __tablename__ = "applicant"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str | None] = mapped_column(String(40))
    phone_enc: Mapped[str | None] = mapped_column(Text)
    phone_masked: Mapped[str | None] = mapped_column(String(11))
    monthly_income: Mapped[Decimal | None] = mapped_column(Money)
    health: Mapped[str | None] = mapped_column(String(16))  # healthy | ill | disabled | ...
    channel_user: Mapped[str | None] = mapped_column(String(128), index=True)

    case: Mapped[Case] = relationship(back_populates="applicant")


class CaseHelper(Base):
    """The person who entered the case for the applicant (帮办代办人)."""

    __tablename__ = "case_helper"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    phone_enc: Mapped[str | None] = mapped_column(Text)
    phone_masked: Mapped[str | None] = mapped_column(String(11))
    relation: Mapped[str] = mapped_column(String(20))  # 女儿, 网格员, 社工, 志愿者 ...
    organisation: Mapped[str | None] = mapped_column(String(60))
    channel_user: Mapped[str] = mapped_column(String(128), index=True)

    case: Mapped[Case] = relationship(back_populates="helper")


class HouseholdMember(PersonalNumbers, Base):
    __tablename__ = "household_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(20))  # relation to the applicant: 儿子, 配偶 ...
    role: Mapped[str] = mapped_column(String(12), default="member")  # member | obligor
    name: Mapped[str] = mapped_column(String(40))
    monthly_income: Mapped[Decimal | None] = mapped_column(Money)
    health: Mapped[str | None] = mapped_column(String(16))
    is_student: Mapped[bool] = mapped_column(default=False)

    case: Mapped[Case] = relationship(back_populates="members")


class AuthorisationSignature(Timestamped, Base):
    """One person's signature on the economic-check authorisation (授权书)."""

    __tablename__ = "authorisation_signature"
    __table_args__ = (UniqueConstraint("case_id", "signer_key", name="uq_signature_signer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("household_member.id", ondelete="CASCADE")
    )  # null: the applicant
    signer_key: Mapped[str] = mapped_column(String(24))  # "applicant" or "member:<id>": one each
    signer_name: Mapped[str] = mapped_column(String(40))
    channel_user: Mapped[str] = mapped_column(String(128))
    method: Mapped[str] = mapped_column(String(16))  # chat_name | signing_code

    case: Mapped[Case] = relationship(back_populates="signatures")


class SigningCode(Timestamped, Base):
    """A one-time code that lets a household member sign from their own chat."""

    __tablename__ = "signing_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("household_member.id", ondelete="CASCADE"), index=True
    )  # null: the applicant of a case a helper filed
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    failed_attempts: Mapped[int] = mapped_column(default=0)


class CaseEvent(Timestamped, Base):
    """Something that happened to a case: who, when, why."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # transition | signature | note
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    actor_type: Mapped[str] = mapped_column(String(12))  # applicant | helper | staff | system
    actor: Mapped[str] = mapped_column(String(128))  # chat user or staff username
    reason: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="events")
