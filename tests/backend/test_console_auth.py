"""Staff console: signing in and out, the session cookie, CSRF, and what anonymous users get.

The helpers at the top (`sign_in`, `csrf_of`, `post_form`) are shared by the other console tests.
"""

from __future__ import annotations

import re
from dataclasses import replace

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.app import create_app
from backend.models import StaffSession
from backend.services.staff import create_staff
from backend.settings import Settings
from tests.backend.conftest import PASSWORD

Db = async_sessionmaker[AsyncSession]
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


async def create_user(db: Db, username: str, district: str | None, role: str = "district") -> None:
    async with db.begin() as session:
        await create_staff(session=session, username=username, password=PASSWORD,
                           district=district, role=role)


async def sign_in(client: TestClient, db: Db | None, username: str, district: str | None = None,
                  role: str = "district") -> str:
    """Create the user (when `db` is given), sign in through the form; returns a page's CSRF token."""
    if db is not None:
        await create_user(db, username, district, role)
    form = await (await client.get("/console/login")).text()
    response = await client.post("/console/login", allow_redirects=False, data={
        "csrf_token": csrf_of(form), "username": username, "password": PASSWORD})
    assert response.status == 303, await response.text()
    page = await client.get("/console/cases")
    assert page.status == 200
    return csrf_of(await page.text())


async def post_form(client: TestClient, path: str, csrf: str | None, **fields: str):  # type: ignore[no-untyped-def]
    data = dict(fields)
    if csrf is not None:
        data["csrf_token"] = csrf
    return await client.post(path, data=data, allow_redirects=False)


async def test_login_page_and_unauthenticated_pages(client: TestClient) -> None:
    response = await client.get("/console/login")
    assert response.status == 200
    text = await response.text()
    assert "工作人员登录" in text
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["Cache-Control"] == "no-store"
    for path in ("/console", "/console/escalations", "/console/escalations/1", "/console/cases",
                 "/console/cases/CQ250101-ABCDEFGH", "/console/helpers", "/console/helpers/1"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303, path
        assert response.headers["Location"].startswith("/console/login?next="), path
    for path in ("/console/escalations/1/claim", "/console/cases/CQ250101-ABCDEFGH/transition",
                 "/console/helpers", "/console/helpers/1/deactivate", "/console/logout"):
        response = await post_form(client, path, "forged", to="accepted", reason="x")
        assert response.status == 303, path
        assert response.headers["Location"] == "/console/login", path


async def test_login_sets_a_strict_http_only_cookie_and_goes_to_next(client: TestClient,
                                                                     db: Db) -> None:
    await create_user(db, "yuzhong", "渝中区")
    form = await (await client.get("/console/login", params={"next": "/console/helpers"})).text()
    assert 'name="next" value="/console/helpers"' in form
    response = await client.post("/console/login", allow_redirects=False, data={
        "csrf_token": csrf_of(form), "username": "yuzhong", "password": PASSWORD,
        "next": "/console/helpers"})
    assert response.status == 303
    assert response.headers["Location"] == "/console/helpers"
    cookie = response.cookies["console_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/console"
    assert not cookie["secure"]
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(StaffSession)) == 1
    page = await client.get("/console/helpers")
    assert page.status == 200
    assert "yuzhong · 渝中区" in await page.text()
    response = await client.get("/console", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/console/escalations"


async def test_login_refuses_wrong_password_and_foreign_next(client: TestClient, db: Db) -> None:
    await create_user(db, "yuzhong", "渝中区")
    form = await (await client.get("/console/login")).text()
    response = await client.post("/console/login", allow_redirects=False, data={
        "csrf_token": csrf_of(form), "username": "yuzhong", "password": "wrong password"})
    assert response.status == 401
    assert "用户名或密码不对" in await response.text()
    assert "console_session" not in response.cookies
    response = await client.post("/console/login", allow_redirects=False, data={
        "csrf_token": csrf_of(form), "username": "yuzhong", "password": PASSWORD,
        "next": "https://evil.example/console"})
    assert response.status == 303
    assert response.headers["Location"] == "/console/escalations"


async def test_login_form_needs_its_csrf_token(client: TestClient, db: Db) -> None:
    await create_user(db, "yuzhong", "渝中区")
    await client.get("/console/login")  # sets the login-form cookie
    response = await client.post("/console/login", allow_redirects=False, data={
        "csrf_token": "not-the-cookie", "username": "yuzhong", "password": PASSWORD})
    assert response.status == 403
    assert "console_session" not in response.cookies
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(StaffSession)) == 0


async def test_logout_ends_the_session(client: TestClient, db: Db) -> None:
    csrf = await sign_in(client, db, "yuzhong", "渝中区")
    response = await post_form(client, "/console/logout", "forged")
    assert response.status == 403  # a forged form does not sign anyone out
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(StaffSession)) == 1
    response = await post_form(client, "/console/logout", csrf)
    assert response.status == 303
    assert response.headers["Location"] == "/console/login"
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(StaffSession)) == 0
    response = await client.get("/console/cases", allow_redirects=False)
    assert response.status == 303


async def test_a_stolen_csrf_token_of_another_session_is_refused(client: TestClient, db: Db) -> None:
    first = await sign_in(client, db, "yuzhong", "渝中区")
    second = await sign_in(client, None, "yuzhong")  # a new session for the same user
    assert first != second
    response = await post_form(client, "/console/logout", first)
    assert response.status == 403
    assert "页面已过期" in await response.text()


async def test_secure_cookie_when_configured(aiohttp_client, settings: Settings, db: Db) -> None:  # type: ignore[no-untyped-def]
    client = await aiohttp_client(create_app(replace(settings, console_secure_cookie=True)))
    await create_user(db, "yuzhong", "渝中区")
    page = await client.get("/console/login")
    assert page.cookies["console_login_csrf"]["secure"]
    token = csrf_of(await page.text())  # a browser sends a Secure cookie over HTTPS only: sent by hand
    response = await client.post("/console/login", allow_redirects=False, data={
        "csrf_token": token, "username": "yuzhong", "password": PASSWORD},
        headers={"Cookie": f"console_login_csrf={token}"})
    assert response.status == 303
    assert response.cookies["console_session"]["secure"]


async def test_stylesheet_is_served(client: TestClient) -> None:
    response = await client.get("/console/static/console.css")
    assert response.status == 200
    assert response.content_type == "text/css"
    assert (await client.get("/console/static/other.css")).status == 404
