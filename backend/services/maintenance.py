"""Housekeeping: rows that only matter for a while (retry records, attempt counters, expired
sessions) are deleted once they can no longer change an answer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import IdempotencyRecord, LookupAttempt, StaffLoginAttempt, StaffSession
from backend.models.base import utcnow

MIN_AGE = timedelta(days=1)  # longer than every attempt window and any client's retries


async def prune(*, session: AsyncSession, older_than: timedelta) -> dict[str, int]:
    """Delete stored retry responses and attempt counters older than `older_than` (at least a
    day) and every expired staff session; returns the count per table."""
    cutoff = utcnow() - max(older_than, MIN_AGE)
    counts = {}
    for model in (IdempotencyRecord, LookupAttempt, StaffLoginAttempt):
        result = await session.execute(delete(model).where(model.created_at < cutoff))
        counts[model.__tablename__] = result.rowcount or 0
    result = await session.execute(delete(StaffSession).where(StaffSession.expires_at < utcnow()))
    counts[StaffSession.__tablename__] = result.rowcount or 0
    return counts
