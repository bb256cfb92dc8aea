"""The monitored population, kept in `monitored_person` from the cases.

Who is in it: the applicant and every household member (and support obligor) of approved
低保, 特困 and 低保边缘 cases, of 临时救助 granted in the last year, of cases rejected (kept
for monitoring), and people who left assistance in the last year. Drafts, cases under way
and withdrawn applications are not. `sync_case` brings one case's rows up to date; it runs
after every staff status change (a hook registered below) and, for all cases, from
`refresh_population` (`python -m backend monitoring refresh`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from backend.lifecycle import RECIPIENT_STATUSES, AssistanceType, CaseStatus
from backend.models import Case, CaseEvent, MonitoredPerson, StaffUser
from backend.models.base import utcnow
from backend.services.case_review import STATUS_HOOKS
from backend.services.monitoring.rules import MONITORING_WINDOW, Category
from backend.settings import Settings

REFRESH_CHUNK = 500  # cases loaded at a time by the full refresh


@dataclass
class RefreshSummary:
    cases: int = 0  # cases looked at
    added: int = 0  # people who joined the population
    updated: int = 0  # rows whose category, role, district or dates changed
    closed: int = 0  # people whose assistance ended (now monitored for a year)
    purged: int = 0  # rows whose year after leaving is over
    monitored: int = 0  # rows matched by imports now

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def category_of(case: Case) -> Category | None:
    """The monitoring category of a case, or None when its people are not monitored."""
    if case.status == CaseStatus.REJECTED.value:
        return Category.REJECTED
    if CaseStatus(case.status) in RECIPIENT_STATUSES \
            and case.assistance_type in {t.value for t in AssistanceType}:
        return Category(case.assistance_type)
    return None


def decision_time(case: Case) -> datetime:
    """When the case reached its present status (its last transition there); for a
    suspended case, its approval."""
    status = CaseStatus.APPROVED.value if case.status == CaseStatus.SUSPENDED.value else case.status
    for event in reversed(case.events):
        if event.to_status == status and event.created_at is not None:
            return event.created_at
    return case.updated_at


def people_of(case: Case) -> dict[str, str]:
    """ID hash -> member role, for everyone of the case with an ID number."""
    people: dict[str, str] = {}
    if case.applicant and case.applicant.id_number_hash:
        people[case.applicant.id_number_hash] = "applicant"
    for member in case.members:
        if member.id_number_hash and member.id_number_hash not in people:
            people[member.id_number_hash] = member.role
    return people


def _sync(session: AsyncSession, case: Case, existing: Sequence[MonitoredPerson], now: datetime,
          summary: RefreshSummary) -> None:
    category = category_of(case)
    wanted = people_of(case) if category else {}
    code = category.value if category else ""
    since = decision_time(case)
    # A grant of 临时救助 is one-off: it ends the day it is made and is watched for a year.
    until = since if category is Category.LINSHI else None
    if until is not None and until < now - MONITORING_WINDOW:
        wanted = {}  # its year is over
    rows = {row.id_hash: row for row in existing}
    for id_hash, role in wanted.items():
        row = rows.get(id_hash)
        if row is None:
            session.add(MonitoredPerson(id_hash=id_hash, case_id=case.id, district=case.district,
                                        category=code, member_role=role,
                                        since=since, until=until))
            summary.added += 1
            continue
        fields = {"category": code, "member_role": role,
                  "district": case.district, "since": since, "until": until}
        if any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            summary.updated += 1
    for id_hash, row in rows.items():
        if id_hash not in wanted and row.until is None:
            row.until = now  # left assistance (case no longer in force, or member removed)
            summary.closed += 1


async def sync_case(*, session: AsyncSession, case: Case, now: datetime | None = None) -> RefreshSummary:
    """Bring the monitored rows of one case in line with the case."""
    summary = RefreshSummary(cases=1)
    existing = (await session.scalars(
        select(MonitoredPerson).where(MonitoredPerson.case_id == case.id))).all()
    _sync(session, case, existing, now or utcnow(), summary)
    await session.flush()
    return summary


async def refresh_population(*, session: AsyncSession, now: datetime | None = None) -> RefreshSummary:
    """Rebuild the whole population from the cases; safe to run at any time."""
    now = now or utcnow()
    summary = RefreshSummary()
    decided = select(Case.id).where(Case.status.in_(
        [s.value for s in RECIPIENT_STATUSES] + [CaseStatus.REJECTED.value]))
    watched = select(MonitoredPerson.case_id).where(MonitoredPerson.until.is_(None))
    case_ids = sorted((await session.scalars(union(decided, watched))).all())
    for start in range(0, len(case_ids), REFRESH_CHUNK):
        chunk = case_ids[start:start + REFRESH_CHUNK]
        cases = (await session.scalars(select(Case).where(Case.id.in_(chunk)))).unique().all()
        rows = (await session.scalars(
            select(MonitoredPerson).where(MonitoredPerson.case_id.in_(chunk)))).all()
        by_case: dict[int, list[MonitoredPerson]] = {}
        for row in rows:
            by_case.setdefault(row.case_id, []).append(row)
        for case in cases:
            _sync(session, case, by_case.get(case.id, []), now, summary)
        summary.cases += len(cases)
        await session.flush()
        session.expunge_all()  # keep memory flat over many cases
    purged = await session.execute(delete(MonitoredPerson).where(
        MonitoredPerson.until < now - MONITORING_WINDOW))
    summary.purged = purged.rowcount or 0
    summary.monitored = await session.scalar(
        select(func.count()).select_from(MonitoredPerson).where(in_window(now))) or 0
    return summary


def in_window(now: datetime):  # type: ignore[no-untyped-def]
    """The rows imports match: assistance in force, or ended less than a year ago."""
    return or_(MonitoredPerson.until.is_(None), MonitoredPerson.until >= now - MONITORING_WINDOW)


async def on_case_status(*, session: AsyncSession, case: Case, event: CaseEvent,
                         staff: StaffUser | None, settings: Settings) -> None:
    """Status hook: a decision (or any later change) updates the case's monitored people."""
    await sync_case(session=session, case=case)


if on_case_status not in STATUS_HOOKS:
    STATUS_HOOKS.append(on_case_status)
