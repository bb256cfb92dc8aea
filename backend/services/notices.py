"""The public notice of approvals (救助公示) and the objections (异议) lodged against it.

A notice is published by a status hook at approval and is current while its publication is
younger than NOTICE_DAYS: it ends by a date condition in the queries, never by a job.
Importing this module registers the hook.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Conflict, InvalidInput, NotFound
from backend.lifecycle import CaseStatus
from backend.models import Case, CaseEvent, NoticeObjection, PublicNotice, StaffUser
from backend.models.base import utcnow
from backend.privacy.crypto import PersonalDataCipher
from backend.privacy.id_numbers import mask_name
from backend.services import case_review
from backend.services import staff as staff_service
from backend.settings import Settings

NOTICE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
OBJECTION_STATUSES = ("open", "resolved")


def new_notice_no(now: datetime | None = None) -> str:
    """`GS261204-7KQ2MX`: the publication date and six random characters."""
    day = (now or utcnow()).strftime("%y%m%d")
    return f"GS{day}-" + "".join(secrets.choice(NOTICE_ALPHABET) for _ in range(6))


def normalise_notice_no(text: str) -> str:
    compact = "".join(text.split()).upper().replace("－", "-").replace("—", "-")
    if len(compact) == 14 and "-" not in compact:
        compact = compact[:8] + "-" + compact[8:]
    return compact


def notice_ends_at(notice: PublicNotice, notice_days: int) -> datetime:
    return notice.published_at + timedelta(days=notice_days)


def _current_since(notice_days: int, now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=notice_days)


async def publish(*, session: AsyncSession, case: Case) -> PublicNotice:
    """Put an approved case on its district's notice (once: a second call returns the first)."""
    existing = await session.scalar(select(PublicNotice).where(PublicNotice.case_id == case.id))
    if existing is not None:
        return existing
    if not case.district or not case.assistance_type:
        raise InvalidInput("案件缺少区县或救助类型，不能公示", code="notice_incomplete_case")
    name = case.applicant.name if case.applicant and case.applicant.name else "*"
    notice = PublicNotice(notice_no=new_notice_no(), case_id=case.id, district=case.district,
                          holder_name_masked=mask_name(name),
                          assistance_type=case.assistance_type,
                          household_size=case.household_size, published_at=utcnow())
    session.add(notice)
    await session.flush()
    return notice


async def publish_on_approval(*, session: AsyncSession, case: Case, event: CaseEvent,
                              staff: StaffUser | None, settings: Settings) -> None:
    """Status hook: an approval goes on the public notice in the same transaction."""
    if event.to_status == CaseStatus.APPROVED.value:
        await publish(session=session, case=case)


if publish_on_approval not in case_review.STATUS_HOOKS:
    case_review.STATUS_HOOKS.append(publish_on_approval)


async def current_notices(*, session: AsyncSession, district: str,
                          notice_days: int) -> list[PublicNotice]:
    rows = await session.scalars(
        select(PublicNotice)
        .where(PublicNotice.district == district,
               PublicNotice.published_at > _current_since(notice_days))
        .order_by(PublicNotice.published_at.desc(), PublicNotice.id.desc())
        .limit(500))
    return list(rows)


async def notices_for_staff(*, session: AsyncSession, staff: StaffUser,
                            limit: int = 200) -> list[PublicNotice]:
    """Every notice of the staff user's 区县, current and ended, newest first."""
    rows = await session.scalars(
        select(PublicNotice).where(staff_service.district_filter(staff, PublicNotice.district))
        .order_by(PublicNotice.published_at.desc(), PublicNotice.id.desc()).limit(limit))
    return list(rows)


async def _notice(session: AsyncSession, notice_no: str) -> PublicNotice:
    notice = await session.scalar(
        select(PublicNotice).where(PublicNotice.notice_no == normalise_notice_no(notice_no)))
    if notice is None:
        raise NotFound("没有找到这个公示编号，请核对后再试", code="notice_not_found")
    return notice


async def set_amount(*, session: AsyncSession, staff: StaffUser, notice_no: str,
                     monthly_amount: Decimal | None) -> PublicNotice:
    notice = await _notice(session, notice_no)
    if staff.role != "city" and notice.district != staff.district:
        raise NotFound("没有找到这个公示编号，请核对后再试", code="notice_not_found")
    notice.monthly_amount = monthly_amount
    staff_service.audit(session=session, staff=staff, action="notice.amount", case=notice.case,
                        detail=notice.notice_no)
    await session.flush()
    return notice


async def lodge_objection(*, session: AsyncSession, cipher: PersonalDataCipher,
                          channel_user: str, notice_no: str, reason: str, contact: str | None,
                          notice_days: int) -> NoticeObjection:
    """An objection from the chat to a notice still on display; it reaches the district's staff."""
    notice = await _notice(session, notice_no)
    if notice.published_at <= _current_since(notice_days):
        raise Conflict("这条公示已经结束了。如果还有问题，请直接联系区县民政部门。",
                       code="notice_ended")
    objection = NoticeObjection(notice_id=notice.id, case_id=notice.case_id,
                                district=notice.district, channel_user=channel_user,
                                reason=reason, contact_enc=cipher.encrypt(contact) if contact else None,
                                status="open")
    objection.notice = notice
    session.add(objection)
    await session.flush()
    return objection


async def objections_for_staff(*, session: AsyncSession, staff: StaffUser,
                               status: str | None) -> list[NoticeObjection]:
    query = select(NoticeObjection).where(
        staff_service.district_filter(staff, NoticeObjection.district))
    if status:
        query = query.where(NoticeObjection.status == status)
    rows = await session.scalars(query.order_by(NoticeObjection.id.desc()).limit(500))
    return list(rows)


async def resolve_objection(*, session: AsyncSession, staff: StaffUser, objection_id: int,
                            resolution: str) -> NoticeObjection:
    objection = await session.get(NoticeObjection, objection_id)
    if objection is None or (staff.role != "city" and objection.district != staff.district):
        raise NotFound("没有找到这条异议", code="objection_not_found")
    if objection.status == "resolved":
        raise Conflict("这条异议已经处理过了", code="objection_resolved")
    objection.status = "resolved"
    objection.resolution = resolution
    objection.resolved_by = staff.id
    objection.resolved_at = utcnow()
    staff_service.audit(session=session, staff=staff, action="objection.resolve",
                        case=objection.notice.case, detail=str(objection.id))
    await session.flush()
    return objection
