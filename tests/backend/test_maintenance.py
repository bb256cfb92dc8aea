"""Housekeeping: `python -m backend maintenance prune` deletes what can no longer matter."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import IdempotencyRecord, LookupAttempt, StaffLoginAttempt, StaffSession
from backend.models.base import utcnow
from backend.services.maintenance import prune
from backend.services.staff import create_staff
from tests.backend.test_cli import backend, cli_env  # noqa: F401 - the fixture

Db = async_sessionmaker[AsyncSession]


async def test_prune_deletes_old_rows_and_keeps_recent_ones(db: Db) -> None:
    now = utcnow()
    async with db.begin() as session:
        staff = await create_staff(session=session, username="yuzhong", password="a long password",
                                   district="渝中区", role="district")
        for age, key in ((timedelta(days=40), "old"), (timedelta(hours=1), "new")):
            session.add_all([
                IdempotencyRecord(scope="POST /x", key=key, request_hash="h", status_code=201,
                                  response_body="{}", created_at=now - age),
                LookupAttempt(channel_user=key, succeeded=False, created_at=now - age),
                StaffLoginAttempt(username=key, succeeded=False, created_at=now - age)])
        session.add_all([
            StaffSession(token_hash="a" * 64, staff_id=staff.id, expires_at=now - timedelta(hours=1)),
            StaffSession(token_hash="b" * 64, staff_id=staff.id, expires_at=now + timedelta(hours=1))])
    async with db.begin() as session:
        counts = await prune(session=session, older_than=timedelta(days=30))
    assert counts == {"idempotency_record": 1, "lookup_attempt": 1, "staff_login_attempt": 1,
                      "staff_session": 1}
    async with db() as session:
        for model in (IdempotencyRecord, LookupAttempt, StaffLoginAttempt, StaffSession):
            assert await session.scalar(select(func.count()).select_from(model)) == 1

    async with db.begin() as session:  # never younger than a day, whatever is asked
        assert (await prune(session=session, older_than=timedelta(0)))["lookup_attempt"] == 0


def test_cli_prune(cli_env: dict[str, str]) -> None:  # noqa: F811
    assert backend(cli_env, "migrate").returncode == 0
    result = backend(cli_env, "maintenance", "prune", "--days", "30")
    assert result.returncode == 0, result.stderr
    assert "idempotency_record=0" in result.stdout and "staff_session=0" in result.stdout
    assert backend(cli_env, "maintenance", "prune", "--days", "0").returncode == 2
