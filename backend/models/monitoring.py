"""Monitoring and early warning (监测预警): the monitored population, imports and alerts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, Timestamped


class MonitoredPerson(Base):
    """One person of one case under monitoring, found again by the keyed ID-number hash.

    `since`/`until` bound the person's assistance: `until` is null while it lasts, the day
    they left otherwise (a one-off 临时救助 ends the day it is granted). A row is matched
    while `until` is null or less than a year ago.
    """

    __tablename__ = "monitored_person"
    __table_args__ = (UniqueConstraint("id_hash", "case_id", name="uq_monitored_person_id_hash_case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64))  # HMAC of the ID number, as on applicant
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id", ondelete="CASCADE"), index=True)
    district: Mapped[str | None] = mapped_column(String(16))  # the case's 区县
    category: Mapped[str] = mapped_column(String(16))  # dibao | tekun | dibao_edge | linshi | rejected
    member_role: Mapped[str] = mapped_column(String(12))  # applicant | member | obligor
    since: Mapped[datetime]  # the decision that put the person here
    until: Mapped[datetime | None]  # when the assistance ended; null while it lasts


class MonitoringImport(Timestamped, Base):
    """One cross-check file taken in, with the counts of what became of its rows."""

    __tablename__ = "monitoring_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # deaths | detention | new_members | ...
    filename: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(8))  # cli | api
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="running")  # running | done | failed
    rows_read: Mapped[int] = mapped_column(default=0)
    matched: Mapped[int] = mapped_column(default=0)
    alerts_created: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    bad_rows: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None]


class MonitoringAlert(Timestamped, Base):
    """A cross-check record that hit a monitored person, and what a rule says to do about it."""

    __tablename__ = "monitoring_alert"
    __table_args__ = (
        # The same fact about the same person of the same case is one alert, however often
        # the file that carries it is imported.
        UniqueConstraint("kind", "id_hash", "event_date", "case_id", name="uq_monitoring_alert_record"),
        Index("ix_monitoring_alert_district_status", "district", "status"),
        Index("ix_monitoring_alert_status_priority", "status", "priority"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # the record kind (file kind)
    id_hash: Mapped[str] = mapped_column(String(64))
    event_date: Mapped[date]
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id", ondelete="CASCADE"), index=True)
    district: Mapped[str | None] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(16))  # the monitored person's category
    person_group: Mapped[str] = mapped_column(String(12))  # recipient | edge | linshi | left | rejected
    member_role: Mapped[str] = mapped_column(String(12))
    person_masked: Mapped[str] = mapped_column(String(18))  # 500***********1234
    action: Mapped[str] = mapped_column(String(24))  # what the rule asks staff to do
    priority: Mapped[str] = mapped_column(String(8))  # high | normal
    reason: Mapped[str] = mapped_column(Text)  # plain Chinese, built by the rule
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)  # the record's own fields, no ID numbers
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | resolved
    import_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_import.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    outcome_code: Mapped[str | None] = mapped_column(String(24))
    outcome_text: Mapped[str | None] = mapped_column(Text)
