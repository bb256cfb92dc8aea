"""A retried write never makes a second case, signature or escalation."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import Case, Escalation
from tests.backend.factories import complete_case
from tests.backend.helpers import BASE

Db = async_sessionmaker[AsyncSession]


async def _count(db: Db, model: type) -> int:
    async with db() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_same_key_same_case(client: TestClient, db: Db,
                                  service_headers: dict[str, str]) -> None:
    headers = {**service_headers, "Idempotency-Key": "submit-1"}
    body = complete_case()
    first = await client.post(f"{BASE}/cases", json=body, headers=headers)
    second = await client.post(f"{BASE}/cases", json=body, headers=headers)
    assert first.status == second.status == 201
    assert (await first.json())["case_no"] == (await second.json())["case_no"]
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert await _count(db, Case) == 1


async def test_concurrent_retries_make_one_case(client: TestClient, db: Db,
                                                service_headers: dict[str, str]) -> None:
    headers = {**service_headers, "Idempotency-Key": "burst"}
    body = complete_case()
    responses = await asyncio.gather(*(client.post(f"{BASE}/cases", json=body, headers=headers)
                                       for _ in range(5)))
    numbers = {(await r.json())["case_no"] for r in responses}
    assert [r.status for r in responses] == [201] * 5
    assert len(numbers) == 1
    assert await _count(db, Case) == 1


async def test_key_reused_for_other_content_is_refused(client: TestClient, db: Db,
                                                       service_headers: dict[str, str]) -> None:
    headers = {**service_headers, "Idempotency-Key": "k"}
    await client.post(f"{BASE}/cases", json=complete_case(), headers=headers)
    response = await client.post(f"{BASE}/cases", json=complete_case(district="江北区"),
                                 headers=headers)
    assert response.status == 422
    assert (await response.json())["error"]["code"] == "idempotency_key_reused"
    assert await _count(db, Case) == 1


async def test_without_key_each_post_is_new(client: TestClient, db: Db,
                                            service_headers: dict[str, str]) -> None:
    for _ in range(2):
        await client.post(f"{BASE}/cases", json=complete_case(), headers=service_headers)
    assert await _count(db, Case) == 2


async def test_escalation_and_signature_retries(client: TestClient, db: Db,
                                                service_headers: dict[str, str]) -> None:
    case = await (await client.post(f"{BASE}/cases", json=complete_case(),
                                    headers=service_headers)).json()
    escalate = {"channel_user": "chat-1", "question": "低保一个月多少钱？"}
    for _ in range(3):
        response = await client.post(f"{BASE}/escalations", json=escalate,
                                     headers={**service_headers, "Idempotency-Key": "esc-1"})
        assert response.status == 201
    assert await _count(db, Escalation) == 1
    sign = {"channel_user": "chat-1", "signer_name": "王秀英"}
    for _ in range(2):
        response = await client.post(f"{BASE}/cases/{case['case_no']}/signatures/applicant",
                                     json=sign,
                                     headers={**service_headers, "Idempotency-Key": "sig-1"})
        assert (await response.json())["signatures"]["signed"] == 1
