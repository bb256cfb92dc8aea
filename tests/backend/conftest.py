"""A real backend on a real database: SQLite always, PostgreSQL where it runs.

The schema is built once per session by the Alembic migrations (a SQLite template file, a
fresh PostgreSQL database) and every test starts from empty tables.
"""

from __future__ import annotations

import asyncio
import base64
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.app import create_app
from backend.db import create_engine, create_session_maker
from backend.migrate import upgrade
from backend.models import Base
from backend.services.staff import create_staff
from backend.settings import Settings

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
SERVICE_TOKEN = "service-token-for-tests-" + secrets.token_hex(8)
PASSWORD = "correct horse battery"


def make_settings(database_url: str, **overrides: Any) -> Settings:
    key = lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()  # noqa: E731
    env = {"DATABASE_URL": database_url, "SERVICE_TOKEN": SERVICE_TOKEN,
           "ID_ENCRYPTION_KEY": key(), "ID_HASH_KEY": key(), **overrides}
    return Settings.from_env(env, env_file=Path("/nonexistent"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    asyncio.run(upgrade(make_settings(f"sqlite:///{path}")))
    return path


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database with the migrated schema, dropped at the end."""
    name = f"jiuzhu_test_{secrets.token_hex(4)}"
    try:
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"PostgreSQL not reachable at TEST_POSTGRES_URL ({exc.__class__.__name__})")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    asyncio.run(upgrade(make_settings(url)))
    yield url
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "sqlite":
        path = tmp_path / "backend.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return make_settings(f"sqlite:///{path}")
    url = request.getfixturevalue("postgres_url")
    asyncio.run(_truncate(url))
    return make_settings(url)


async def _truncate(url: str) -> None:
    engine = create_engine(make_settings(url))
    async with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            await conn.execute(delete(table))
    await engine.dispose()


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session maker on the test database, for arranging and inspecting rows directly."""
    engine = create_engine(settings)
    yield create_session_maker(engine)
    await engine.dispose()


@pytest.fixture
async def client(aiohttp_client: Any, settings: Settings) -> TestClient:
    return await aiohttp_client(create_app(settings))


SERVICE = {"Authorization": f"Bearer {SERVICE_TOKEN}"}


@pytest.fixture
def service_headers() -> dict[str, str]:
    return dict(SERVICE)


async def staff_token(client: TestClient, db: async_sessionmaker[AsyncSession], username: str,
                      district: str | None, role: str = "district") -> dict[str, str]:
    async with db.begin() as session:
        await create_staff(session=session, username=username, password=PASSWORD,
                           district=district, role=role)
    response = await client.post("/api/v1/staff/login",
                                 json={"username": username, "password": PASSWORD})
    assert response.status == 200
    return {"Authorization": f"Bearer {(await response.json())['token']}"}
