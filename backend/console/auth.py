"""Console sign-in state: the session cookie, `require_console_staff`, and the CSRF check.

The cookie holds a staff login token (the same `StaffSession` rows the staff API uses). Every
POST form carries a CSRF token derived from that session token, so it is worthless without it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import Forbidden, Unauthorised
from backend.keys import SETTINGS, STAFF_USER
from backend.models import StaffSession, StaffUser
from backend.privacy.crypto import secret_digest
from backend.services.staff import staff_for_token


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in, as the layout shows it (a plain copy: safe after a rollback)."""

    username: str
    role: str
    district: str | None


SIGNED_IN = web.RequestKey("console_signed_in", SignedIn)
SESSION_COOKIE = "console_session"
LOGIN_CSRF_COOKIE = "console_login_csrf"  # double-submit token of the login form (no session yet)
CSRF_FIELD = "csrf_token"
COOKIE_PATH = "/console"


def session_token(request: web.Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def csrf_token(request: web.Request) -> str | None:
    """The form token of this browser's session: an HMAC keyed by the session token."""
    token = session_token(request)
    if token is None:
        return None
    return hmac.new(token.encode(), b"staff-console-csrf", hashlib.sha256).hexdigest()


async def require_console_staff(request: web.Request, session: AsyncSession) -> StaffUser:
    """The signed-in staff user, or `Unauthorised` (pages turn it into the login page)."""
    token = session_token(request)
    if token is None:
        raise Unauthorised("请先登录", code="login_required")
    staff = await staff_for_token(session=session, token=token)
    request[STAFF_USER] = staff
    request[SIGNED_IN] = SignedIn(username=staff.username, role=staff.role, district=staff.district)
    return staff


def check_csrf(request: web.Request, form: Mapping[str, object]) -> None:
    expected = csrf_token(request)
    given = form.get(CSRF_FIELD)
    if expected is None or not isinstance(given, str) or not hmac.compare_digest(
            given.encode(), expected.encode()):
        raise Forbidden("页面已过期或来源不明，请刷新页面后重试", code="csrf_failed")


async def require_console_post(request: web.Request,
                               session: AsyncSession) -> tuple[StaffUser, dict[str, str]]:
    """For every POST handler: the signed-in staff user and the form, its CSRF token checked."""
    form = await request.post()
    staff = await require_console_staff(request, session)
    check_csrf(request, form)
    fields = {key: value for key in form.keys() if key != CSRF_FIELD
              and isinstance(value := form.getone(key), str)}
    return staff, fields


def set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, *,
               max_age: int | None = None, path: str = COOKIE_PATH) -> None:
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite="Strict",
                        secure=request.app[SETTINGS].console_secure_cookie)


def clear_cookie(response: web.StreamResponse, name: str, path: str = COOKIE_PATH) -> None:
    response.del_cookie(name, path=path)


async def end_session(*, session: AsyncSession, token: str) -> None:
    await session.execute(delete(StaffSession).where(StaffSession.token_hash == secret_digest(token)))
