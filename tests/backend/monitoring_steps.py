"""Steps the monitoring tests share: households decided by staff, cross-check CSV files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import MonitoredPerson
from backend.privacy.crypto import PersonalDataCipher
from backend.services.monitoring.records import RecordKind, header_of
from backend.settings import Settings
from tests.backend.factories import make_id
from tests.backend.helpers import submit_complete_case

Db = async_sessionmaker[AsyncSession]

APPROVE = ("accepted", "verifying", "reviewing", "approved")
REJECT = ("accepted", "verifying", "reviewing", "rejected")


@dataclass
class Household:
    """A case and the ID numbers of its people (applicant, son, granddaughter)."""

    case_no: str
    applicant: str
    son: str
    granddaughter: str


def cipher_of(settings: Settings) -> PersonalDataCipher:
    return PersonalDataCipher(encryption_key=settings.id_encryption_key, hash_key=settings.id_hash_key)


async def move(client: TestClient, staff: dict[str, str], case_no: str, targets: tuple[str, ...]) -> None:
    for target in targets:
        response = await client.post(f"/api/v1/cases/{case_no}/transitions",
                                     json={"to": target, "reason": f"审核：{target}"}, headers=staff)
        assert response.status == 200, await response.text()


async def household(client: TestClient, service: dict[str, str], staff: dict[str, str] | None,
                    *, moves: tuple[str, ...] = APPROVE, **overrides: Any) -> Household:
    """A complete application with fresh ID numbers, submitted and moved by `staff`."""
    people = Household("", make_id("19580312"), make_id("19850607"), make_id("20150101"))
    body = {"applicant_id_number": people.applicant, "members": [
        {"relation": "儿子", "name": "李强", "id_number": people.son, "monthly_income": 1200,
         "health": "disabled"},
        {"relation": "孙女", "name": "李小雨", "id_number": people.granddaughter, "is_student": True},
    ], **overrides}
    case = await submit_complete_case(client, service, **body)
    people.case_no = case["case_no"]
    if staff and moves:
        await move(client, staff, people.case_no, moves)
    return people


def csv_file(kind: RecordKind, rows: list[list[str]]) -> bytes:
    lines = [",".join(header_of(kind)), *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


async def chunks_of(data: bytes, size: int = 1 << 16):  # type: ignore[no-untyped-def]
    for start in range(0, len(data), size):
        yield data[start:start + size]


async def monitored(db: Db) -> list[MonitoredPerson]:
    async with db() as session:
        return list(await session.scalars(select(MonitoredPerson).order_by(MonitoredPerson.id)))
