"""Staff sign-in: failures are limited per user name, through the API and the console."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.console.auth import SESSION_COOKIE
from backend.models import StaffLoginAttempt
from tests.backend.conftest import PASSWORD
from tests.backend.test_console_auth import create_user, csrf_of

Db = async_sessionmaker[AsyncSession]
LOGIN = "/api/v1/staff/login"


async def test_five_failures_lock_the_user_name_for_a_while(client: TestClient, db: Db) -> None:
    await create_user(db, "yuzhong", "渝中区")
    await create_user(db, "jiangbei", "江北区")
    for _ in range(5):
        response = await client.post(LOGIN, json={"username": "yuzhong", "password": "guess"})
        assert response.status == 401
    response = await client.post(LOGIN, json={"username": "yuzhong", "password": PASSWORD})
    assert response.status == 429  # even the right password, until the window has passed
    assert "登录失败次数太多" in (await response.json())["error"]["message"]
    response = await client.post(LOGIN, json={"username": "jiangbei", "password": PASSWORD})
    assert response.status == 200  # another user name is not affected
    async with db() as session:
        failures = await session.scalar(select(func.count()).select_from(StaffLoginAttempt)
                                        .where(StaffLoginAttempt.succeeded.is_(False)))
    assert failures == 5


async def test_console_says_so_on_the_login_page(client: TestClient, db: Db) -> None:
    await create_user(db, "yuzhong", "渝中区")
    for attempt in range(6):
        form = await (await client.get("/console/login")).text()
        response = await client.post("/console/login", allow_redirects=False, data={
            "csrf_token": csrf_of(form), "username": "yuzhong", "password": "guess"})
        assert response.status == (401 if attempt < 5 else 429)
    assert "登录失败次数太多" in await response.text()
    assert SESSION_COOKIE not in response.cookies
