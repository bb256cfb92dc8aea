"""Hostile and broken input: a 4xx JSON error in Chinese, never a 500, never a partial write."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import Case, HouseholdMember
from tests.backend.factories import complete_case, make_id
from tests.backend.helpers import BASE

Db = async_sessionmaker[AsyncSession]
CJK = range(0x4E00, 0xA000)


def _has_chinese(text: str) -> bool:
    return any(ord(ch) in CJK for ch in text)


BAD_BODIES: list[tuple[str, dict[str, Any]]] = [
    ("5000-character name", complete_case(applicant_name="王" * 5000)),
    ("SQL fragment in name", complete_case(applicant_name="x'); DROP TABLE applicant;--")),
    ("emoji name", complete_case(applicant_name="😀😀")),
    ("wrong type", complete_case(applicant_name=12345)),
    ("unknown field", complete_case(is_admin=True)),
    ("wrong checksum", complete_case(applicant_id_number=make_id()[:17] + "Y")),
    ("15-digit old ID", complete_case(applicant_id_number="500103580312123")),
    ("not a Chongqing district", complete_case(district="朝阳区")),
    ("negative income", complete_case(applicant_monthly_income=-5)),
    ("bad member in the list", complete_case(members=[
        {"relation": "儿子", "name": "李强", "id_number": "123"}])),
    ("emoji member relation", complete_case(members=[
        {"relation": "👶", "name": "李强", "id_number": make_id()}])),
    ("unknown assistance type", complete_case(assistance_type="money")),
    ("phone with letters", complete_case(applicant_phone="1380000abcd")),
]


@pytest.mark.parametrize(("label", "body"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
async def test_bad_case_bodies_are_refused_whole(client: TestClient, db: Db,
                                                 service_headers: dict[str, str], label: str,
                                                 body: dict[str, Any]) -> None:
    response = await client.post(f"{BASE}/cases", json=body, headers=service_headers)
    assert response.status == 422, label
    error = (await response.json())["error"]
    assert error["code"] == "invalid_input"
    assert _has_chinese(error["message"])
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(Case)) == 0
        assert await session.scalar(select(func.count()).select_from(HouseholdMember)) == 0


async def test_sql_fragment_in_free_text_is_stored_as_text(
        client: TestClient, service_headers: dict[str, str]) -> None:
    hardship = "'; DELETE FROM assistance_case; -- 😀 真的很困难"
    response = await client.post(f"{BASE}/cases", json=complete_case(hardship=hardship),
                                 headers=service_headers)
    assert response.status == 201
    assert (await response.json())["hardship"] == hardship


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff\xfe", b""])
async def test_broken_json(client: TestClient, service_headers: dict[str, str],
                           raw: bytes) -> None:
    response = await client.post(f"{BASE}/drafts", data=raw,
                                 headers={**service_headers, "Content-Type": "application/json"})
    assert response.status == 422
    assert _has_chinese((await response.json())["error"]["message"])


async def test_oversized_body(client: TestClient, service_headers: dict[str, str]) -> None:
    response = await client.post(f"{BASE}/cases", data=b"{" + b" " * 200_000 + b"}",
                                 headers={**service_headers, "Content-Type": "application/json"})
    assert response.status == 413
    assert (await response.json())["error"]["code"] == "body_too_large"


async def test_unknown_route_and_method(client: TestClient) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status == 404
    assert "error" in await response.json()
    response = await client.delete("/api/v1/staff/login")
    assert response.status == 405


async def test_missing_and_wrong_tokens(client: TestClient) -> None:
    response = await client.post(f"{BASE}/drafts", json={"channel_user": "x"})
    assert response.status == 401
    response = await client.post(f"{BASE}/drafts", json={"channel_user": "x"},
                                 headers={"Authorization": "Bearer wrong"})
    assert response.status == 401
    assert (await response.json())["error"]["message"] == "访问令牌无效"


async def test_bad_member_update_changes_nothing(client: TestClient,
                                                 service_headers: dict[str, str]) -> None:
    case = (await (await client.post(f"{BASE}/cases", json=complete_case(submit=False),
                                     headers=service_headers)).json())
    member = case["members"][0]
    url = f"{BASE}/cases/{case['case_no']}/members/{member['id']}"
    response = await client.patch(url, params={"channel_user": "chat-1"},
                                  json={"monthly_income": 5000, "name": "Robert'); DROP"},
                                  headers=service_headers)
    assert response.status == 422
    response = await client.get(f"{BASE}/cases/{case['case_no']}",
                                params={"channel_user": "chat-1"}, headers=service_headers)
    unchanged = (await response.json())["members"][0]
    assert (unchanged["name"], unchanged["monthly_income"]) == (member["name"],
                                                                 member["monthly_income"])


async def test_same_person_twice_in_one_application_is_refused(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    twin = {"relation": "儿子", "name": "李强", "id_number": make_id("19850607", sequence=7)}
    response = await client.post(f"{BASE}/cases", json=complete_case(members=[twin, twin]),
                                 headers=service_headers)
    assert response.status == 409
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(Case)) == 0
