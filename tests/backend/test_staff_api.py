"""Staff API: the exact shapes other tools rely on, district scoping, audit, transitions."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import AuditEntry
from tests.backend.conftest import staff_token
from tests.backend.helpers import submit_complete_case

Db = async_sessionmaker[AsyncSession]


async def test_login_rejects_wrong_password(client: TestClient, db: Db) -> None:
    await staff_token(client, db, "yuzhong", "渝中区")
    response = await client.post("/api/v1/staff/login",
                                 json={"username": "yuzhong", "password": "wrong password"})
    assert response.status == 401
    assert (await response.json())["error"]["message"] == "用户名或密码不对"


async def test_case_list_and_case_shape(client: TestClient, db: Db,
                                        service_headers: dict[str, str]) -> None:
    submitted = await submit_complete_case(client, service_headers)
    headers = await staff_token(client, db, "yuzhong", "渝中区")
    response = await client.get("/api/v1/cases", params={"status": "submitted"},
                                headers=headers)
    listing = await response.json()
    assert listing["total"] == 1
    assert listing["items"][0]["case_no"] == submitted["case_no"]

    response = await client.get(f"/api/v1/cases/{submitted['case_no']}", headers=headers)
    case = await response.json()
    for key in ("case_no", "assistance_type", "status", "district", "applicant", "helper",
                "members", "signatures", "events", "created_at"):
        assert key in case
    assert case["assistance_type"] == "dibao"
    assert case["status"] == "submitted"
    assert case["district"] == "渝中区"
    assert case["helper"] is None
    assert case["applicant"]["name"] == "王秀英"
    assert case["applicant"]["id_number_masked"].startswith("500***")
    assert case["applicant"]["phone_masked"] == "138****1234"
    assert [(m["relation"], m["name"], m["monthly_income"]) for m in case["members"]] == [
        ("儿子", "李强", 1200.5), ("孙女", "李小雨", None)]
    assert all(m["id_number_masked"].startswith("500***") for m in case["members"])
    # The authorised staff case page is the one place with whole numbers.
    assert len(case["applicant"]["id_number"]) == 18


async def test_filters_and_unknown_filter_values(client: TestClient, db: Db,
                                                 service_headers: dict[str, str]) -> None:
    await submit_complete_case(client, service_headers)
    await submit_complete_case(client, service_headers, assistance_type="linshi")
    headers = await staff_token(client, db, "city", None, role="city")
    response = await client.get("/api/v1/cases", params={"assistance_type": "linshi"},
                                headers=headers)
    assert (await response.json())["total"] == 1
    response = await client.get("/api/v1/cases", params={"status": "nonsense"}, headers=headers)
    assert response.status == 422


async def test_district_scoping_and_city_role(client: TestClient, db: Db,
                                              service_headers: dict[str, str]) -> None:
    yuzhong_case = await submit_complete_case(client, service_headers)
    jiangbei_case = await submit_complete_case(client, service_headers, district="江北区",
                                               street="观音桥街道")
    yuzhong = await staff_token(client, db, "yuzhong", "渝中区")
    city = await staff_token(client, db, "city", None, role="city")

    response = await client.get("/api/v1/cases", headers=yuzhong)
    assert [c["case_no"] for c in (await response.json())["items"]] == [yuzhong_case["case_no"]]
    # Not by URL either, and the answer does not reveal that the case exists.
    response = await client.get(f"/api/v1/cases/{jiangbei_case['case_no']}", headers=yuzhong)
    assert response.status == 404
    response = await client.post(f"/api/v1/cases/{jiangbei_case['case_no']}/transitions",
                                 json={"to": "accepted", "reason": "x"}, headers=yuzhong)
    assert response.status == 404
    response = await client.get("/api/v1/cases", headers=city)
    assert (await response.json())["total"] == 2
    response = await client.get("/api/v1/cases", params={"district": "江北区"}, headers=city)
    assert (await response.json())["total"] == 1


async def test_every_case_read_is_audited(client: TestClient, db: Db,
                                          service_headers: dict[str, str]) -> None:
    case = await submit_complete_case(client, service_headers)
    headers = await staff_token(client, db, "yuzhong", "渝中区")
    for _ in range(2):
        await client.get(f"/api/v1/cases/{case['case_no']}", headers=headers)
    async with db() as session:
        reads = await session.scalar(select(func.count()).select_from(AuditEntry)
                                     .where(AuditEntry.action == "case.read"))
    assert reads == 2


async def test_transitions_follow_the_lifecycle(client: TestClient, db: Db,
                                                service_headers: dict[str, str]) -> None:
    case_no = (await submit_complete_case(client, service_headers))["case_no"]
    headers = await staff_token(client, db, "yuzhong", "渝中区")
    url = f"/api/v1/cases/{case_no}/transitions"
    response = await client.post(url, json={"to": "approved", "reason": "直接批准"},
                                 headers=headers)
    assert response.status == 409
    error = (await response.json())["error"]
    assert error["code"] == "illegal_transition"
    assert "不能变更" in error["message"]

    for target in ("accepted", "verifying", "needs_info", "verifying", "reviewing", "approved"):
        response = await client.post(url, json={"to": target, "reason": f"到{target}"},
                                     headers=headers)
        assert response.status == 200, await response.text()
    case = await response.json()
    assert case["status"] == "approved"
    moves = [(e["from"], e["to"], e["actor_type"]) for e in case["events"]
             if e["kind"] == "transition"]
    assert moves[0] == ("draft", "submitted", "applicant")
    assert moves[-1] == ("reviewing", "approved", "staff")
    assert all(e["at"] and e["reason"] for e in case["events"])
    assert case["events"][-1]["text"] == "审核通过，已批准"
    response = await client.post(url, json={"to": "withdrawn", "reason": "x"}, headers=headers)
    assert response.status == 409


async def test_service_token_cannot_reach_staff_endpoints(
        client: TestClient, service_headers: dict[str, str]) -> None:
    case_no = (await submit_complete_case(client, service_headers))["case_no"]
    for method, path in (("GET", "/api/v1/cases"), ("GET", f"/api/v1/cases/{case_no}"),
                         ("POST", f"/api/v1/cases/{case_no}/transitions"),
                         ("GET", "/api/v1/escalations")):
        response = await client.request(method, path, headers=service_headers,
                                        json={"to": "accepted", "reason": "x"})
        assert response.status == 401, path


async def test_staff_token_cannot_use_the_service_api(client: TestClient, db: Db) -> None:
    headers = await staff_token(client, db, "yuzhong", "渝中区")
    response = await client.get("/api/v1/service/cases", params={"channel_user": "x"},
                                headers=headers)
    assert response.status == 401
