"""Questions handed to staff, and their replies back to the chat."""

from __future__ import annotations

from sqlalchemy import case as sql_case
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Conflict, NotFound
from backend.models import Case, Escalation, EscalationReply, StaffUser
from backend.models.base import utcnow
from backend.privacy.redaction import redact
from backend.schemas import EscalationIn
from backend.services.cases import get_case_for_chat
from backend.services.staff import district_filter

STATUSES = ("open", "claimed", "answered", "closed")


async def create_escalation(*, session: AsyncSession, data: EscalationIn) -> Escalation:
    case: Case | None = None
    if data.case_no:
        case = await get_case_for_chat(session=session, case_no=data.case_no,
                                       channel_user=data.channel_user)
    escalation = Escalation(
        channel_user=data.channel_user, question=redact(data.question),
        summary=redact(data.summary) if data.summary else None,
        priority=data.priority, status="open",
        case_id=case.id if case else None, district=case.district if case else None,
        replies=[],
    )
    session.add(escalation)
    await session.flush()
    return escalation


async def escalations_of_chat_user(*, session: AsyncSession, channel_user: str,
                                   mark_delivered: bool) -> list[Escalation]:
    rows = list(await session.scalars(
        select(Escalation).where(Escalation.channel_user == channel_user)
        .order_by(Escalation.id.desc()).limit(20)
    ))
    if mark_delivered:
        now = utcnow()
        for escalation in rows:
            for reply in escalation.replies:
                reply.delivered_at = reply.delivered_at or now
        await session.flush()
    return rows


async def undelivered_replies(*, session: AsyncSession, channel_user: str) -> list[str]:
    """Staff replies this chat user has not seen yet; they are marked delivered."""
    rows = await session.scalars(
        select(EscalationReply).join(Escalation, Escalation.id == EscalationReply.escalation_id)
        .where(Escalation.channel_user == channel_user, EscalationReply.delivered_at.is_(None))
        .order_by(EscalationReply.id))
    replies = list(rows)
    now = utcnow()
    for reply_row in replies:
        reply_row.delivered_at = now
    await session.flush()
    return [r.text for r in replies]


async def list_for_staff(*, session: AsyncSession, staff: StaffUser,
                         status: str | None) -> list[Escalation]:
    query = select(Escalation).where(district_filter(staff, Escalation.district,
                                                     allow_unassigned=True))
    if status:
        query = query.where(Escalation.status == status)
    urgent_first = sql_case((Escalation.priority == "urgent", 0), else_=1)
    return list(await session.scalars(query.order_by(urgent_first, Escalation.id).limit(200)))


async def get_for_staff(*, session: AsyncSession, staff: StaffUser,
                        escalation_id: int) -> Escalation:
    escalation = await session.get(Escalation, escalation_id)
    if escalation is None or not (staff.role == "city" or escalation.district in
                                  (None, staff.district)):
        raise NotFound("没有找到这条求助", code="escalation_not_found")
    return escalation


async def claim(*, session: AsyncSession, staff: StaffUser, escalation_id: int) -> Escalation:
    escalation = await get_for_staff(session=session, staff=staff, escalation_id=escalation_id)
    if escalation.status != "open":
        raise Conflict("这条求助已经有人处理了", code="already_claimed")
    escalation.status, escalation.claimed_by, escalation.claimed_at = "claimed", staff.id, utcnow()
    await session.flush()
    return escalation


async def reply(*, session: AsyncSession, staff: StaffUser, escalation_id: int,
                text: str) -> Escalation:
    escalation = await get_for_staff(session=session, staff=staff, escalation_id=escalation_id)
    if escalation.status == "closed":
        raise Conflict("这条求助已经关闭", code="escalation_closed")
    now = utcnow()
    if escalation.status == "open":
        escalation.claimed_by, escalation.claimed_at = staff.id, now
    escalation.replies.append(EscalationReply(staff_id=staff.id, text=text))
    escalation.status, escalation.answered_at = "answered", now
    await session.flush()
    return escalation


async def close(*, session: AsyncSession, staff: StaffUser, escalation_id: int) -> Escalation:
    escalation = await get_for_staff(session=session, staff=staff, escalation_id=escalation_id)
    escalation.status, escalation.closed_at = "closed", utcnow()
    await session.flush()
    return escalation
