"""Console entry: sign in, sign out, the home redirect and the stylesheet."""

from __future__ import annotations

import functools
import hmac
import secrets
from datetime import timedelta
from pathlib import Path

from aiohttp import web

from backend.console.auth import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    clear_cookie,
    end_session,
    require_console_post,
    require_console_staff,
    session_token,
    set_cookie,
)
from backend.console.rendering import console_page, redirect, render, safe_next, url
from backend.errors import Forbidden, TooManyAttempts, Unauthorised
from backend.keys import DB, SETTINGS
from backend.services import staff as staff_service

routes = web.RouteTableDef()
STATIC = Path(__file__).parent / "static"
STATIC_TYPES = {"console.css": "text/css"}
LOGIN_PATH = "/console/login"


@functools.cache
def _static_file(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


@routes.get("/console", name="console_home")
@console_page
async def home(request: web.Request) -> web.StreamResponse:
    """Staff console: to the escalation queue (or the login page)."""
    async with request.app[DB]() as session:
        await require_console_staff(request, session)
    return redirect(url(request, "console_escalations"))


@routes.get("/console/static/{filename}", name="console_static")
async def static(request: web.Request) -> web.Response:
    """Staff console stylesheet."""
    name = request.match_info["filename"]
    if name not in STATIC_TYPES:
        raise web.HTTPNotFound()
    return web.Response(text=_static_file(name), content_type=STATIC_TYPES[name], charset="utf-8",
                        headers={"Cache-Control": "max-age=3600"})


def _login_form(request: web.Request, *, error: str | None = None, status: int = 200,
                username: str = "") -> web.Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = render(request, "login.html", {
        "login_csrf": token, "error": error, "username": username,
        "next": safe_next(request.query.get("next")) or ""}, status=status)
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token, path=LOGIN_PATH)
    return response


@routes.get(LOGIN_PATH, name="console_login")
@console_page
async def login_page(request: web.Request) -> web.StreamResponse:
    """Staff console sign-in page."""
    return _login_form(request)


@routes.post(LOGIN_PATH, name="console_login_submit")
@console_page
async def login(request: web.Request) -> web.StreamResponse:
    """Staff console sign-in: sets the session cookie."""
    form = await request.post()
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    given = form.get(CSRF_FIELD)
    if not cookie or not isinstance(given, str) or not hmac.compare_digest(given.encode(),
                                                                           cookie.encode()):
        raise Forbidden("登录页已过期，请重新打开登录页", code="csrf_failed")
    username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    if not username or not password or len(username) > 40 or len(password) > 200:
        return _login_form(request, error="请输入用户名和密码", status=422, username=username[:40])
    settings = request.app[SETTINGS]
    hours = settings.staff_token_hours
    try:
        async with request.app[DB]() as session:
            try:
                token = await staff_service.login(
                    session=session, username=username, password=password,
                    valid_for=timedelta(hours=hours), max_failures=settings.login_max_failures,
                    window=timedelta(minutes=settings.login_window_minutes))
            finally:
                await session.commit()  # a failed attempt counts towards the limit
    except (Unauthorised, TooManyAttempts) as exc:
        return _login_form(request, error=exc.message, status=exc.status, username=username)
    response = redirect(safe_next(str(form.get("next", ""))) or url(request, "console_escalations"))
    set_cookie(request, response, SESSION_COOKIE, token, max_age=hours * 3600)
    clear_cookie(response, LOGIN_CSRF_COOKIE, path=LOGIN_PATH)
    return response


@routes.post("/console/logout", name="console_logout")
@console_page
async def logout(request: web.Request) -> web.StreamResponse:
    """Staff console sign-out: ends the login session."""
    async with request.app[DB].begin() as session:
        await require_console_post(request, session)
        await end_session(session=session, token=session_token(request) or "")
    response = redirect(url(request, "console_login"))
    clear_cookie(response, SESSION_COOKIE)
    return response
