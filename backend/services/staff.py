"""Staff accounts, login tokens, district scoping and the audit trail."""

from __future__ import annotations

import functools
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.districts import DISTRICT_SET
from backend.errors import Conflict, InvalidInput, NotFound, TooManyAttempts, Unauthorised
from backend.models import AuditEntry, Case, StaffLoginAttempt, StaffSession, StaffUser
from backend.models.base import utcnow
from backend.privacy.crypto import secret_digest
from backend.services.passwords import hash_password, verify_password


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so both paths cost the same."""
    return hash_password(secrets.token_hex(8))


async def create_staff(*, session: AsyncSession, username: str, password: str,
                       district: str | None, role: str = "district") -> StaffUser:
    if role not in ("district", "city"):
        raise InvalidInput("角色只能是 district 或 city")
    if role == "district" and district not in DISTRICT_SET:
        raise InvalidInput("区县工作人员需要一个有效的区县名称")
    if len(password) < 8:
        raise InvalidInput("密码至少8位")
    if await session.scalar(select(StaffUser).where(StaffUser.username == username)):
        raise Conflict("这个用户名已经存在", code="username_taken")
    staff = StaffUser(username=username, password_hash=hash_password(password), role=role,
                      district=district if role == "district" else None)
    session.add(staff)
    await session.flush()
    return staff


async def login(*, session: AsyncSession, username: str, password: str,
                valid_for: timedelta, max_failures: int = 5,
                window: timedelta = timedelta(minutes=15)) -> str:
    """A new session token, or an error. Every attempt is recorded and `max_failures`
    failures within `window` lock the user name; the caller commits even on failure."""
    username = username[:40]
    failures = await session.scalar(
        select(func.count()).select_from(StaffLoginAttempt).where(
            StaffLoginAttempt.username == username,
            StaffLoginAttempt.succeeded.is_(False),
            StaffLoginAttempt.created_at >= utcnow() - window))
    if (failures or 0) >= max_failures:
        minutes = int(window.total_seconds() // 60)
        raise TooManyAttempts(f"登录失败次数太多，请{minutes}分钟后再试，或联系管理员",
                              code="too_many_logins")
    staff = await session.scalar(select(StaffUser).where(StaffUser.username == username))
    ok = verify_password(password, staff.password_hash if staff else _dummy_hash())
    succeeded = staff is not None and ok and staff.is_active
    session.add(StaffLoginAttempt(username=username, succeeded=succeeded))
    if not succeeded:
        raise Unauthorised("用户名或密码不对", code="bad_credentials")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    await session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
    session.add(StaffSession(token_hash=secret_digest(token), staff_id=staff.id,
                             expires_at=now + valid_for))
    await session.flush()
    return token


async def staff_for_token(*, session: AsyncSession, token: str) -> StaffUser:
    row = await session.scalar(
        select(StaffSession).where(StaffSession.token_hash == secret_digest(token)))
    if row is None:
        raise Unauthorised("请先登录", code="login_required")
    if row.expires_at <= utcnow():
        raise Unauthorised("登录已过期，请重新登录", code="login_expired")
    staff = await session.get(StaffUser, row.staff_id)
    if staff is None or not staff.is_active:
        raise Unauthorised("请先登录", code="login_required")
    return staff


def district_filter(staff: StaffUser, column: Any, *,
                    allow_unassigned: bool = False) -> ColumnElement[bool]:
    """The rows a staff user may see: their own 区县, or everything for the city role."""
    if staff.role == "city":
        return true()
    if allow_unassigned:
        return (column == staff.district) | column.is_(None)
    return column == staff.district


def ensure_case_visible(staff: StaffUser, case: Case) -> None:
    if staff.role != "city" and case.district != staff.district:
        raise NotFound("没有找到这个案件编号", code="case_not_found")


def audit(*, session: AsyncSession, staff: StaffUser | None, action: str,
          case: Case | None = None, detail: str | None = None) -> None:
    session.add(AuditEntry(staff_id=staff.id if staff else None, action=action,
                           case_id=case.id if case else None, detail=detail))
