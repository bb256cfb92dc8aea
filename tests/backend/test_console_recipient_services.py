"""Staff console: objections to the public notice (list, resolve) and the linked-benefit export,
each scoped to the staff user's 区县."""

from __future__ import annotations

import csv
import io
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import AuditEntry, NoticeObjection
from tests.backend.conftest import staff_token
from tests.backend.factories import make_id
from tests.backend.recipient_steps import approved_case
from tests.backend.test_console_auth import post_form, sign_in

Db = async_sessionmaker[AsyncSession]


async def _objection(client: TestClient, service: dict[str, str], district: str,
                     reason: str) -> dict[str, Any]:
    notices = await (await client.get("/api/v1/public/notices",
                                      params={"district": district})).json()
    response = await client.post("/api/v1/service/objections", headers=service, json={
        "channel_user": "neighbour", "notice_no": notices["items"][0]["notice_no"],
        "reason": reason, "contact": "13912345678"})
    assert response.status == 201, await response.text()
    return await response.json()


async def test_objections_page_lists_and_resolves_within_the_district(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    city = await staff_token(client, db, "city-api", None, role="city")
    yuzhong_case = await approved_case(client, service_headers, city)
    await approved_case(client, service_headers, city, district="江北区", street="观音桥街道",
                        applicant_id_number=make_id("19600202"))
    mine = await _objection(client, service_headers, "渝中区", "他家有两套房")
    await _objection(client, service_headers, "江北区", "江北这家开了公司")

    csrf = await sign_in(client, db, "yuzhong", "渝中区")
    response = await client.get("/console/objections")
    assert response.status == 200
    text = await response.text()
    assert "他家有两套房" in text and yuzhong_case["case_no"] in text and "13912345678" in text
    assert "江北这家开了公司" not in text
    assert "公示异议" in text and "免申即享" in text  # in the top bar

    path = f"/console/objections/{mine['id']}/resolve"
    assert (await post_form(client, path, None, resolution="x")).status == 403  # no CSRF token
    response = await post_form(client, path, csrf, resolution="已入户核实，房产为租住，维持公示")
    assert response.status == 303
    assert response.headers["Location"] == "/console/objections?done=objection_resolved"
    async with db() as session:
        objection = await session.get(NoticeObjection, mine["id"])
        assert objection is not None and objection.status == "resolved"
    text = await (await client.get(response.headers["Location"])).text()
    assert "已记录处理结果" in text and "他家有两套房" not in text  # no longer open
    resolved = await (await client.get("/console/objections", params={"status": "resolved"})).text()
    assert "房产为租住" in resolved
    assert (await post_form(client, path, csrf, resolution="again")).status == 409

    jiangbei_id = mine["id"] + 1
    response = await post_form(client, f"/console/objections/{jiangbei_id}/resolve", csrf,
                               resolution="越权")
    assert response.status == 404


async def test_benefit_export_page_and_csv(client: TestClient, db: Db,
                                          service_headers: dict[str, str]) -> None:
    city = await staff_token(client, db, "city-api", None, role="city")
    id_number = make_id("19580312")
    case = await approved_case(client, service_headers, city, applicant_id_number=id_number)
    await approved_case(client, service_headers, city, district="江北区", street="观音桥街道")
    await sign_in(client, db, "yuzhong", "渝中区")

    text = await (await client.get("/console/benefits")).text()
    assert "医保局" in text and "医疗救助、城乡居民医保参保资助" in text and "2 项" in text

    response = await client.get("/console/benefits/export", params={"agency": "医保局"})
    assert response.status == 200
    assert response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = (await response.read()).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(r["benefit"], r["case_no"], r["district"]) for r in rows] == [
        ("医疗救助", case["case_no"], "渝中区"), ("城乡居民医保参保资助", case["case_no"], "渝中区")]
    assert rows[0]["id_number_masked"].endswith(id_number[-4:]) and id_number not in body
    assert (await client.get("/console/benefits/export", params={"agency": "x"})).status == 422
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "benefits.export")) == 1


async def test_pages_need_a_login(client: TestClient) -> None:
    for path in ("/console/objections", "/console/benefits",
                 "/console/benefits/export?agency=医保局"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303
        assert response.headers["Location"].startswith("/console/login")
