"""Eligibility certification (待遇资格认证): schedules, identity checks, records, case tasks.

Approved dibao / tekun / dibao_edge cases get a schedule from a status hook (registered when
this module is imported); the first due date is the approval day plus
CERTIFICATION_INTERVAL_DAYS. A certification needs a passed identity check (one
`IdentityVerifier`, see `backend.services.identity`); failed checks are counted per case and
per chat user and lock both for a while. Changes the recipient reports become a `case_task`
for the staff of the case's district. Dates are China dates (UTC+8).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Conflict, InvalidInput, NotFound, TooManyAttempts
from backend.lifecycle import AssistanceType, CaseStatus
from backend.models import (
    Case,
    CaseEvent,
    CaseTask,
    CertificationRecord,
    CertificationSchedule,
    IdentityVerification,
    StaffUser,
    VerificationAttempt,
)
from backend.models.base import utcnow
from backend.schemas_certification import CertificationIn
from backend.services import case_review
from backend.services import cases as case_service
from backend.services import staff as staff_service
from backend.services.identity import Challenge, IdentityVerifier
from backend.settings import Settings

CHINA = timezone(timedelta(hours=8))
CERTIFIED_TYPES = frozenset({AssistanceType.DIBAO.value, AssistanceType.TEKUN.value,
                             AssistanceType.DIBAO_EDGE.value})
STATES = ("due", "overdue", "done", "upcoming")
STATE_NAMES = {"due": "待认证", "overdue": "已逾期", "done": "已认证", "upcoming": "未到认证期"}
TASK_STATUSES = ("open", "done")
TASK_KINDS = {"certification_change": "资格认证时报告了变化"}


def china_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(CHINA).date()


def due_text(due_on: date) -> str:
    """'2027年3月4日前': how a person reads a due date."""
    return f"{due_on.year}年{due_on.month}月{due_on.day}日前"


@dataclass(frozen=True)
class CertificationPolicy:
    """The certification and identity-check settings, in one value for the services."""

    interval_days: int = Settings.certification_interval_days
    due_window_days: int = Settings.certification_due_window_days
    max_failures: int = Settings.identity_max_failures
    lock_minutes: int = Settings.identity_lock_minutes
    valid_minutes: int = Settings.identity_valid_minutes

    @classmethod
    def from_settings(cls, settings: Settings) -> CertificationPolicy:
        return cls(interval_days=settings.certification_interval_days,
                   due_window_days=settings.certification_due_window_days,
                   max_failures=settings.identity_max_failures,
                   lock_minutes=settings.identity_lock_minutes,
                   valid_minutes=settings.identity_valid_minutes)



def schedule_state(schedule: CertificationSchedule, *, today: date, window_days: int) -> str:
    if schedule.next_due_on < today:
        return "overdue"
    if schedule.next_due_on <= today + timedelta(days=window_days):
        return "due"
    return "done" if schedule.last_certified_at else "upcoming"


# Schedules ----------------------------------------------------------------------------------
async def schedule_of_case(*, session: AsyncSession, case: Case) -> CertificationSchedule | None:
    return await session.scalar(
        select(CertificationSchedule).where(CertificationSchedule.case_id == case.id))


async def ensure_schedule(*, session: AsyncSession, case: Case,
                          policy: CertificationPolicy) -> CertificationSchedule | None:
    """The case's schedule, created on first call for an approved certified type."""
    if case.status != CaseStatus.APPROVED.value or case.assistance_type not in CERTIFIED_TYPES:
        return None
    existing = await schedule_of_case(session=session, case=case)
    if existing is not None:
        return existing
    schedule = CertificationSchedule(
        case_id=case.id, interval_days=policy.interval_days, status="active",
        next_due_on=china_today() + timedelta(days=policy.interval_days))
    session.add(schedule)
    await session.flush()
    return schedule


async def schedule_on_approval(*, session: AsyncSession, case: Case, event: CaseEvent,
                               staff: StaffUser | None, settings: Settings) -> None:
    """Status hook: an approval starts the certification schedule, in the same transaction;
    a suspension or the end of assistance stops it, and resuming starts it again."""
    if event.to_status == CaseStatus.APPROVED.value:
        schedule = await ensure_schedule(session=session, case=case,
                                         policy=CertificationPolicy.from_settings(settings))
        if schedule is not None and schedule.status != "active":
            schedule.status = "active"
    elif event.to_status in (CaseStatus.SUSPENDED.value, CaseStatus.TERMINATED.value):
        schedule = await schedule_of_case(session=session, case=case)
        if schedule is not None:
            schedule.status = "stopped"


if schedule_on_approval not in case_review.STATUS_HOOKS:
    case_review.STATUS_HOOKS.append(schedule_on_approval)


async def schedules_of_chat_user(*, session: AsyncSession, channel_user: str
                                 ) -> list[tuple[Case, CertificationSchedule]]:
    """The chat user's cases that must certify, the soonest due first."""
    cases = await case_service.cases_of_chat_user(session=session, channel_user=channel_user)
    by_id = {c.id: c for c in cases}
    if not by_id:
        return []
    rows = await session.scalars(
        select(CertificationSchedule)
        .where(CertificationSchedule.case_id.in_(by_id), CertificationSchedule.status == "active")
        .order_by(CertificationSchedule.next_due_on, CertificationSchedule.id))
    return [(by_id[s.case_id], s) for s in rows]


# Identity checks ----------------------------------------------------------------------------
async def _failures_since_success(session: AsyncSession, condition: ColumnElement[bool],
                                  since: datetime) -> int:
    last_success = await session.scalar(
        select(func.max(VerificationAttempt.created_at))
        .where(condition, VerificationAttempt.succeeded.is_(True)))
    if last_success is not None and last_success > since:
        since = last_success
    count = await session.scalar(
        select(func.count()).select_from(VerificationAttempt)
        .where(condition, VerificationAttempt.succeeded.is_(False),
               VerificationAttempt.created_at >= since))
    return count or 0


async def remaining_attempts(*, session: AsyncSession, case_id: int, channel_user: str,
                             policy: CertificationPolicy) -> int:
    """Failures left before the lock: the fewer of the case's and the chat user's."""
    since = utcnow() - timedelta(minutes=policy.lock_minutes)
    failures = max(
        await _failures_since_success(session, VerificationAttempt.case_id == case_id, since),
        await _failures_since_success(session, VerificationAttempt.channel_user == channel_user,
                                      since))
    return max(policy.max_failures - failures, 0)


def _locked(policy: CertificationPolicy) -> TooManyAttempts:
    return TooManyAttempts(f"身份核对失败次数太多，为了保护您的信息，请{policy.lock_minutes}分钟后再试，"
                           "或者联系工作人员", code="identity_locked")


async def start_verification(*, session: AsyncSession, verifier: IdentityVerifier,
                             policy: CertificationPolicy, channel_user: str,
                             case_no: str | None = None
                             ) -> tuple[IdentityVerification, Case, Challenge]:
    """Begin an identity check for the chat user's case that is due soonest (or `case_no`)."""
    schedules = await schedules_of_chat_user(session=session, channel_user=channel_user)
    if case_no:
        wanted = (await case_service.get_case_for_chat(
            session=session, case_no=case_no, channel_user=channel_user)).id
        schedules = [(c, s) for c, s in schedules if c.id == wanted]
    if not schedules:
        raise NotFound("没有找到需要做资格认证的救助。资格认证只针对已经批准的低保、特困和低保边缘家庭。",
                       code="no_certification")
    case = schedules[0][0]
    if await remaining_attempts(session=session, case_id=case.id, channel_user=channel_user,
                                policy=policy) == 0:
        raise _locked(policy)
    challenge = await verifier.start(case=case, channel_user=channel_user)
    verification = IdentityVerification(
        public_id=secrets.token_urlsafe(18), case_id=case.id, channel_user=channel_user,
        method=verifier.method, state=challenge.state,
        expires_at=utcnow() + timedelta(minutes=policy.valid_minutes))
    session.add(verification)
    await session.flush()
    return verification, case, challenge


async def _verification(session: AsyncSession, public_id: str,
                        channel_user: str) -> IdentityVerification:
    verification = await session.scalar(
        select(IdentityVerification).where(IdentityVerification.public_id == public_id))
    if verification is None or verification.channel_user != channel_user:
        raise NotFound("没有找到这次身份核对，请重新开始", code="verification_not_found")
    return verification


async def answer_verification(*, session: AsyncSession, verifier: IdentityVerifier,
                              policy: CertificationPolicy, channel_user: str, public_id: str,
                              answers: dict[str, str]) -> tuple[bool, int]:
    """Judge the answers: (passed, failures left). A failure is recorded; the caller commits."""
    verification = await _verification(session, public_id, channel_user)
    now = utcnow()
    if verification.verified_at is not None and verification.used_at is None:
        return True, policy.max_failures  # answered already (a retry): still passed
    if verification.used_at is not None or verification.expires_at <= now:
        raise Conflict("这次身份核对已经过期，请重新开始", code="verification_expired")
    left = await remaining_attempts(session=session, case_id=verification.case_id,
                                    channel_user=channel_user, policy=policy)
    if left == 0:
        raise _locked(policy)
    case = await session.get(Case, verification.case_id)
    if case is None:
        raise NotFound("没有找到这次身份核对，请重新开始", code="verification_not_found")
    passed = await verifier.check(case=case, state=verification.state, answers=answers)
    session.add(VerificationAttempt(case_id=case.id, channel_user=channel_user, succeeded=passed))
    if passed:
        verification.verified_at = now
        verification.expires_at = now + timedelta(minutes=policy.valid_minutes)
    await session.flush()
    return passed, policy.max_failures if passed else left - 1


# Certifications -----------------------------------------------------------------------------
def _changes(data: CertificationIn) -> list[str]:
    lines = []
    if not data.still_at_address:
        lines.append(f"住址：已不住在登记的地址。{data.address_detail or '（没有说新地址）'}")
    if data.household_changed:
        lines.append(f"家庭人口：{data.household_detail or '（没有说明）'}")
    if data.income_changed:
        lines.append(f"收入：{data.income_detail or '（没有说明）'}")
    return lines


@dataclass(frozen=True)
class Certified:
    case: Case
    record: CertificationRecord
    schedule: CertificationSchedule
    task: CaseTask | None


async def certify(*, session: AsyncSession, policy: CertificationPolicy,
                  data: CertificationIn) -> Certified:
    """Record a certification after a passed identity check and move the due date on."""
    verification = await _verification(session, data.verification_id, data.channel_user)
    now = utcnow()
    if verification.verified_at is None:
        raise Conflict("请先完成身份核对", code="identity_not_verified")
    if verification.used_at is not None or verification.expires_at <= now:
        raise Conflict("身份核对已经过期，请重新核对身份", code="verification_expired")
    case = await session.get(Case, verification.case_id)
    schedule = await schedule_of_case(session=session, case=case) if case else None
    if case is None or schedule is None or schedule.status != "active":
        raise NotFound("没有找到需要做资格认证的救助", code="no_certification")
    if data.still_at_address and data.address_detail:
        raise InvalidInput("还住在登记的地址时不需要新地址", code="address_detail_unexpected")
    next_due = china_today(now) + timedelta(days=policy.interval_days)
    record = CertificationRecord(
        case_id=case.id, verification_id=verification.id, channel_user=data.channel_user,
        method=verification.method, still_at_address=data.still_at_address,
        address_detail=data.address_detail, household_changed=data.household_changed,
        household_detail=data.household_detail, income_changed=data.income_changed,
        income_detail=data.income_detail, due_on=schedule.next_due_on, next_due_on=next_due,
        created_at=now)
    session.add(record)
    verification.used_at = now
    schedule.next_due_on, schedule.last_certified_at = next_due, now
    schedule.interval_days = policy.interval_days
    changes = _changes(data)
    actor = "applicant" if case.applicant and case.applicant.channel_user == data.channel_user \
        else "helper"
    case.events.append(CaseEvent(
        kind="certification", actor_type=actor, actor=data.channel_user,
        reason="完成待遇资格认证" + ("，报告了变化" if changes else "，情况没有变化")))
    await session.flush()
    task = None
    if changes:
        task = CaseTask(case_id=case.id, kind="certification_change", status="open",
                        certification_id=record.id,
                        description="资格认证时报告了变化：\n" + "\n".join(changes))
        session.add(task)
        await session.flush()
    return Certified(case=case, record=record, schedule=schedule, task=task)


async def records_of_case(*, session: AsyncSession, case: Case) -> list[CertificationRecord]:
    rows = await session.scalars(select(CertificationRecord)
                                 .where(CertificationRecord.case_id == case.id)
                                 .order_by(CertificationRecord.id.desc()))
    return list(rows)


# Staff --------------------------------------------------------------------------------------
def _state_condition(state: str, today: date, window_days: int) -> ColumnElement[bool]:
    due = CertificationSchedule.next_due_on
    window_end = today + timedelta(days=window_days)
    if state == "overdue":
        return due < today
    if state == "due":
        return (due >= today) & (due <= window_end)
    certified = CertificationSchedule.last_certified_at.is_not(None)
    return (due > window_end) & (certified if state == "done" else ~certified)


async def list_for_staff(*, session: AsyncSession, staff: StaffUser, state: str,
                         policy: CertificationPolicy, district: str | None = None,
                         limit: int = 50, offset: int = 0
                         ) -> tuple[list[tuple[CertificationSchedule, Case]], int]:
    """Schedules in one state, of the staff user's 区县 (all for the city role)."""
    if state not in STATES:
        raise InvalidInput("state 只能是 due、overdue、done 或 upcoming", code="bad_filter")
    conditions: list[Any] = [
        CertificationSchedule.status == "active",
        _state_condition(state, china_today(), policy.due_window_days),
        staff_service.district_filter(staff, Case.district)]
    if district:
        conditions.append(Case.district == district)
    joined = select(CertificationSchedule, Case).join(
        Case, Case.id == CertificationSchedule.case_id).where(*conditions)
    total = await session.scalar(select(func.count()).select_from(joined.subquery()))
    order = (CertificationSchedule.last_certified_at.desc() if state == "done"
             else CertificationSchedule.next_due_on)
    rows = await session.execute(joined.order_by(order, CertificationSchedule.id)
                                 .limit(limit).offset(offset))
    return [(s, c) for s, c in rows], total or 0


async def tasks_for_staff(*, session: AsyncSession, staff: StaffUser, status: str | None,
                          limit: int = 100) -> list[tuple[CaseTask, Case]]:
    if status is not None and status not in TASK_STATUSES:
        raise InvalidInput("status 只能是 open 或 done", code="bad_filter")
    query = (select(CaseTask, Case).join(Case, Case.id == CaseTask.case_id)
             .where(staff_service.district_filter(staff, Case.district)))
    if status:
        query = query.where(CaseTask.status == status)
    rows = await session.execute(query.order_by(CaseTask.id.desc()).limit(limit))
    return [(t, c) for t, c in rows]


async def complete_task(*, session: AsyncSession, staff: StaffUser,
                        task_id: int) -> tuple[CaseTask, Case]:
    """Mark a task done (again: no change). Audited."""
    task = await session.get(CaseTask, task_id)
    case = await session.get(Case, task.case_id) if task else None
    if task is None or case is None:
        raise NotFound("没有找到这项任务", code="task_not_found")
    try:
        staff_service.ensure_case_visible(staff, case)
    except NotFound as exc:
        raise NotFound("没有找到这项任务", code="task_not_found") from exc
    if task.status != "done":
        task.status, task.done_at, task.done_by = "done", utcnow(), staff.id
        staff_service.audit(session=session, staff=staff, action="case_task.done", case=case,
                            detail=str(task.id))
        await session.flush()
    return task, case
