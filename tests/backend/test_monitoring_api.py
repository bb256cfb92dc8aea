"""Staff API of monitoring: uploads, the alert list scoped by 区县, resolving, audit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any, get_args

from aiohttp import FormData
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from backend.app import create_app
from backend.models import AuditEntry
from backend.schemas_monitoring import OutcomeCode
from backend.services.monitoring.records import RecordKind
from backend.services.monitoring.rules import OUTCOMES
from backend.settings import Settings
from tests.backend.conftest import staff_token
from tests.backend.monitoring_steps import Db, csv_file, household

DAY = (date.today() - timedelta(days=10)).isoformat()
IMPORTS = "/api/v1/monitoring/imports"
ALERTS = "/api/v1/monitoring/alerts"


async def upload(client: TestClient, headers: dict[str, str], kind: str, data: bytes) -> dict[str, Any]:
    response = await client.post(IMPORTS, params={"kind": kind}, data=data,
                                 headers={**headers, "Content-Type": "text/csv"})
    assert response.status == 201, await response.text()
    return await response.json()


async def listing(client: TestClient, headers: dict[str, str], **params: str) -> list[dict[str, Any]]:
    response = await client.get(ALERTS, params=params, headers=headers)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["total"] == len(body["items"])
    return body["items"]


async def test_alerts_are_scoped_by_district_and_resolved(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    yuzhong = await staff_token(client, db, "yuzhong", "渝中区")
    jiangbei = await staff_token(client, db, "jiangbei", "江北区")
    city = await staff_token(client, db, "city", None, role="city")
    here = await household(client, service_headers, yuzhong)
    there = await household(client, service_headers, jiangbei, district="江北区", street="观音桥街道")

    deaths = csv_file(RecordKind.DEATHS, [[here.applicant, DAY], [there.applicant, DAY]])
    summary = await upload(client, city, "deaths", deaths)
    assert (summary["rows_read"], summary["matched"], summary["alerts_created"]) == (2, 2, 2)
    births = csv_file(RecordKind.NEW_MEMBERS, [[here.son, DAY, "出生", ""]])
    assert (await upload(client, city, "new_members", births))["alerts_created"] == 1

    mine = await listing(client, yuzhong)
    assert {a["case_no"] for a in mine} == {here.case_no}
    assert [a["kind"] for a in mine] == ["deaths", "new_members"]  # urgent first
    first = mine[0]
    assert first["status"] == "open" and first["action_name"] == "暂停待遇复核"
    assert first["id_number_masked"] == here.applicant[:3] + "*" * 11 + here.applicant[-4:]
    assert here.applicant not in str(mine)
    theirs = await listing(client, jiangbei)
    assert [a["case_no"] for a in theirs] == [there.case_no]
    assert len(await listing(client, city)) == 3
    assert [a["case_no"] for a in await listing(client, city, district="江北区")] == [there.case_no]
    assert [a["kind"] for a in await listing(client, yuzhong, kind="new_members")] == ["new_members"]
    response = await client.get(ALERTS, params={"status": "nonsense"}, headers=yuzhong)
    assert response.status == 422

    # 渝中区 staff cannot resolve (or learn of) 江北区's alert.
    resolution = {"outcome_code": "benefit_suspended", "outcome_text": "已入户核实，停发低保金"}
    response = await client.post(f"{ALERTS}/{theirs[0]['id']}/resolve", json=resolution, headers=yuzhong)
    assert response.status == 404
    response = await client.post(f"{ALERTS}/{first['id']}/resolve", json=resolution, headers=yuzhong)
    assert response.status == 200, await response.text()
    resolved = await response.json()
    assert (resolved["status"], resolved["outcome_code"], resolved["outcome_text"]) == (
        "resolved", "benefit_suspended", "已入户核实，停发低保金")
    assert resolved["resolved_at"]
    response = await client.post(f"{ALERTS}/{first['id']}/resolve", json=resolution, headers=yuzhong)
    assert response.status == 409
    assert (await response.json())["error"]["code"] == "alert_resolved"
    response = await client.post(f"{ALERTS}/{first['id']}/resolve",
                                 json={"outcome_code": "whatever", "outcome_text": "x"}, headers=yuzhong)
    assert response.status == 422

    assert [a["status"] for a in await listing(client, yuzhong)] == ["open", "resolved"]  # open first
    assert [a["id"] for a in await listing(client, yuzhong, status="resolved")] == [first["id"]]

    async with db() as session:
        actions = [a.action for a in await session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("monitoring.import") == 2
    assert actions.count("monitoring.alert.resolve") == 1
    assert actions.count("monitoring.alerts.list") == 7  # every successful listing


async def test_form_upload_and_district_staff_match_only_their_district(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    yuzhong = await staff_token(client, db, "yuzhong", "渝中区")
    jiangbei = await staff_token(client, db, "jiangbei", "江北区")
    here = await household(client, service_headers, yuzhong, assistance_type="dibao_edge")
    there = await household(client, service_headers, jiangbei, district="江北区", street="观音桥街道",
                            assistance_type="dibao_edge")
    form = FormData()
    form.add_field("kind", "disability")
    form.add_field("file", csv_file(RecordKind.DISABILITY, [
        [here.son, DAY, "肢体", "二级"], [there.son, DAY, "肢体", "二级"], ["123", DAY, "肢体", "二级"]]),
        filename="残疾认定.csv", content_type="text/csv")
    response = await client.post(IMPORTS, data=form, headers=yuzhong)
    assert response.status == 201, await response.text()
    summary = await response.json()
    assert (summary["rows_read"], summary["matched"], summary["alerts_created"]) == (3, 1, 1)
    assert summary["bad_row_samples"] == [{"line": 4, "reason": "身份证号不对：身份证号应为18位"}]
    assert await listing(client, jiangbei) == []

    response = await client.get(IMPORTS, headers=yuzhong)
    items = (await response.json())["items"]
    assert [(i["filename"], i["kind"], i["status"], i["alerts_created"]) for i in items] == [
        ("残疾认定.csv", "disability", "done", 1)]
    assert (await (await client.get(IMPORTS, headers=jiangbei)).json())["items"] == []


async def test_upload_refusals(client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    data = csv_file(RecordKind.DEATHS, [])
    response = await client.post(IMPORTS, params={"kind": "births"}, data=data,
                                 headers={**staff, "Content-Type": "text/csv"})
    assert response.status == 422
    assert (await response.json())["error"]["code"] == "bad_kind"
    response = await client.post(IMPORTS, params={"kind": "deaths"}, json={"rows": []}, headers=staff)
    assert (await response.json())["error"]["code"] == "bad_content_type"
    response = await client.post(IMPORTS, params={"kind": "marriage"}, data=data,
                                 headers={**staff, "Content-Type": "text/csv"})
    assert (await response.json())["error"]["code"] == "bad_header"
    for headers in ({}, service_headers):
        response = await client.post(IMPORTS, params={"kind": "deaths"}, data=data,
                                     headers={**headers, "Content-Type": "text/csv"})
        assert response.status == 401
        assert (await client.get(ALERTS, headers=headers)).status == 401
    response = await client.get("/api/v1/monitoring/layouts", headers=staff)
    layouts = await response.json()
    assert layouts["kinds"]["deaths"]["columns"] == ["身份证号", "死亡日期"]


async def test_openapi_documents_the_upload_and_resolution(client: TestClient) -> None:
    document = await (await client.get("/api/openapi.json")).json()
    upload_op = document["paths"][IMPORTS]["post"]
    assert set(upload_op["requestBody"]["content"]) == {"text/csv", "multipart/form-data"}
    resolve_op = document["paths"][ALERTS + "/{alert_id}/resolve"]["post"]
    assert resolve_op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/AlertResolution")
    assert document["paths"][ALERTS]["get"]["security"] == [{"staffToken": []}]
    assert set(get_args(OutcomeCode)) == set(OUTCOMES)


async def test_uploads_over_the_size_limit_are_refused(aiohttp_client: Any, settings: Settings,
                                                       db: Db) -> None:
    client = await aiohttp_client(create_app(replace(settings, monitoring_upload_max_mb=1)))
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    header = csv_file(RecordKind.DEATHS, [])
    big = header + b"\n".join(b"110105194912310029,2026-01-01" for _ in range(60_000))
    assert len(big) > 1024 * 1024

    response = await client.post(IMPORTS, params={"kind": "deaths"}, data=big,
                                 headers={**staff, "Content-Type": "text/csv"})
    assert response.status == 413  # said its size: refused before reading
    assert (await response.json())["error"]["code"] == "upload_too_large"

    async def streamed():  # type: ignore[no-untyped-def]  # no Content-Length: counted
        for start in range(0, len(big), 64 * 1024):
            yield big[start:start + 64 * 1024]

    response = await client.post(IMPORTS, params={"kind": "deaths"}, data=streamed(),
                                 headers={**staff, "Content-Type": "text/csv"})
    assert response.status == 413
    assert "MB" in (await response.json())["error"]["message"]
