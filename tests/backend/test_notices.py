"""The public notice (救助公示): published by approval, masked, over after NOTICE_DAYS by a date
condition; objections lodged through the service API reach the district's staff only."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.app import create_app
from backend.models import NoticeObjection, PublicNotice
from backend.models.base import utcnow
from backend.settings import Settings
from tests.backend.conftest import staff_token
from tests.backend.factories import complete_case, make_id
from tests.backend.helpers import submit_complete_case
from tests.backend.recipient_steps import approved_case, move_case

Db = async_sessionmaker[AsyncSession]
PUBLIC = "/api/v1/public/notices"


async def _notices(client: TestClient, district: str = "渝中区") -> list[dict[str, Any]]:
    response = await client.get(PUBLIC, params={"district": district})
    assert response.status == 200, await response.text()
    return (await response.json())["items"]


async def test_approval_publishes_a_masked_notice(client: TestClient, db: Db,
                                                  service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    id_number = make_id("19580312")
    case = await approved_case(client, service_headers, staff, applicant_id_number=id_number)
    await approved_case(client, service_headers, staff, applicant_name="张三",
                        assistance_type="tekun", members=[])
    # Not approved yet: not on the notice.
    await submit_complete_case(client, service_headers, applicant_name="李四")

    response = await client.get(PUBLIC, params={"district": "渝中区"})
    raw = await response.text()
    items = (await response.json())["items"]
    assert [(n["holder_name_masked"], n["assistance_type_name"], n["household_size"])
            for n in items] == [("张*", "特困人员救助供养（特困）", 1),
                                ("王*英", "最低生活保障（低保）", 3)]
    assert all(n["district"] == "渝中区" and n["notice_no"].startswith("GS") for n in items)
    assert "monthly_amount" not in items[0]  # SHOW_AMOUNT_IN_NOTICE is off by default
    body = complete_case()
    for secret in (id_number, id_number[:3] + "*", id_number[-4:], "王秀英", "李四",
                   case["case_no"], body["address"], body["street"], body["applicant_phone"],
                   "李强"):
        assert secret not in raw
    assert await _notices(client, "江北区") == []


async def test_the_public_page_lists_the_same_and_nothing_more(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    id_number = make_id("19580312")
    await approved_case(client, service_headers, staff, applicant_id_number=id_number)
    response = await client.get("/notices", params={"district": "渝中区"})
    assert response.status == 200
    html = await response.text()
    assert "王*英" in html and "最低生活保障（低保）" in html and "异议" in html
    assert id_number[-4:] not in html and "民族路" not in html and "王秀英" not in html
    assert "王*英" not in await (await client.get("/notices")).text()  # no district chosen


async def test_notice_ends_after_the_notice_period(client: TestClient, db: Db,
                                                   service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    case = await approved_case(client, service_headers, staff)
    [notice] = await _notices(client)
    assert notice["ends_on"] == (utcnow() + timedelta(days=7)).date().isoformat()

    async with db.begin() as session:
        await session.execute(update(PublicNotice).values(
            published_at=utcnow() - timedelta(days=7, minutes=1)))
    assert await _notices(client) == []
    assert "王*英" not in await (await client.get("/notices", params={"district": "渝中区"})).text()
    # Staff still see it, marked as ended.
    listing = await (await client.get("/api/v1/notices", headers=staff)).json()
    assert [(n["case_no"], n["current"]) for n in listing["items"]] == [(case["case_no"], False)]


async def test_amount_only_when_configured(client: TestClient, db: Db, aiohttp_client: Any,
                                           settings: Settings,
                                           service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    await approved_case(client, service_headers, staff)
    [notice] = await _notices(client)
    response = await client.put(f"/api/v1/notices/{notice['notice_no']}/amount",
                                json={"monthly_amount": "1234.50"}, headers=staff)
    assert response.status == 200, await response.text()
    assert "monthly_amount" not in (await _notices(client))[0]

    showing = await aiohttp_client(create_app(replace(settings, show_amount_in_notice=True)))
    assert (await _notices(showing))[0]["monthly_amount"] == 1234.5
    assert "1234.50元" in await (await showing.get("/notices",
                                                    params={"district": "渝中区"})).text()
    jiangbei = await staff_token(client, db, "jiangbei", "江北区")
    response = await client.put(f"/api/v1/notices/{notice['notice_no']}/amount",
                                json={"monthly_amount": "1"}, headers=jiangbei)
    assert response.status == 404


async def test_district_is_required(client: TestClient) -> None:
    for params in ({}, {"district": "北京市"}):
        response = await client.get(PUBLIC, params=params)
        assert response.status == 422
        assert (await response.json())["error"]["code"] == "bad_district"


async def _object(client: TestClient, service: dict[str, str], notice_no: str,
                  **extra: Any) -> Any:
    return await client.post("/api/v1/service/objections", headers=service, json={
        "channel_user": "neighbour-1", "notice_no": notice_no,
        "reason": "他家儿子在外面开公司，收入不低", **extra})


async def test_objection_reaches_the_staff_of_the_district_only(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    yuzhong = await staff_token(client, db, "yuzhong", "渝中区")
    jiangbei = await staff_token(client, db, "jiangbei", "江北区")
    city = await staff_token(client, db, "city", None, role="city")
    case = await approved_case(client, service_headers, yuzhong)
    [notice] = await _notices(client)

    # Typed in lower case with spaces, the notice number is still found.
    typed = notice["notice_no"].lower().replace("-", " - ")
    response = await _object(client, service_headers, typed, contact="13912345678")
    assert response.status == 201, await response.text()
    lodged = await response.json()
    assert lodged["notice_no"] == notice["notice_no"] and lodged["status"] == "open"
    async with db() as session:
        row = await session.scalar(select(NoticeObjection))
        assert row is not None and row.case_id and "13912345678" not in (row.contact_enc or "")

    listing = await (await client.get("/api/v1/objections", headers=yuzhong)).json()
    assert [(o["notice_no"], o["case_no"], o["contact"], o["status"])
            for o in listing["items"]] == [
        (notice["notice_no"], case["case_no"], "13912345678", "open")]
    assert "收入不低" in listing["items"][0]["reason"]
    assert (await (await client.get("/api/v1/objections", headers=jiangbei)).json())["total"] == 0
    assert (await (await client.get("/api/v1/objections", headers=city)).json())["total"] == 1

    objection_id = lodged["id"]
    url = f"/api/v1/objections/{objection_id}/resolve"
    response = await client.post(url, json={"resolution": "已入户核实"}, headers=jiangbei)
    assert response.status == 404
    response = await client.post(url, json={"resolution": "已入户核实，收入属实，维持决定"},
                                 headers=yuzhong)
    assert response.status == 200, await response.text()
    assert (await response.json())["status"] == "resolved"
    response = await client.post(url, json={"resolution": "again"}, headers=yuzhong)
    assert response.status == 409
    open_ones = await (await client.get("/api/v1/objections", params={"status": "open"},
                                        headers=yuzhong)).json()
    assert open_ones["total"] == 0
    assert (await client.get("/api/v1/objections", headers=service_headers)).status == 401


async def test_objection_needs_a_current_notice(client: TestClient, db: Db,
                                                service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    await approved_case(client, service_headers, staff)
    [notice] = await _notices(client)
    response = await _object(client, service_headers, "GS000000-AAAAAA")
    assert response.status == 404
    assert "公示编号" in (await response.json())["error"]["message"]
    async with db.begin() as session:
        await session.execute(update(PublicNotice).values(
            published_at=utcnow() - timedelta(days=8)))
    response = await _object(client, service_headers, notice["notice_no"])
    assert response.status == 409
    assert (await response.json())["error"]["code"] == "notice_ended"


async def test_a_retried_objection_is_stored_once(client: TestClient, db: Db,
                                                  service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    await approved_case(client, service_headers, staff)
    [notice] = await _notices(client)
    headers = {**service_headers, "Idempotency-Key": "objection-1"}
    for _ in range(2):
        assert (await _object(client, headers, notice["notice_no"])).status == 201
    async with db() as session:
        assert len((await session.scalars(select(NoticeObjection))).all()) == 1


async def test_rejection_publishes_nothing(client: TestClient, db: Db,
                                           service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    case = await submit_complete_case(client, service_headers)
    await move_case(client, staff, case["case_no"],
                    ("accepted", "verifying", "reviewing", "rejected"))
    assert await _notices(client) == []
