"""Eligibility certification for staff: due / overdue / done lists and case tasks, by 区县."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import AuditEntry, Case, CertificationSchedule
from backend.services.certification import china_today
from tests.backend.certification_steps import answer, approved_case, certify, right_answers, start
from tests.backend.conftest import staff_token

Db = async_sessionmaker[AsyncSession]


async def _due_in(db: Db, case_no: str, days: int) -> None:
    async with db.begin() as session:
        case_id = await session.scalar(select(Case.id).where(Case.case_no == case_no))
        await session.execute(update(CertificationSchedule)
                              .where(CertificationSchedule.case_id == case_id)
                              .values(next_due_on=china_today() + timedelta(days=days)))


async def _listed(client: TestClient, headers: dict[str, str], state: str) -> list[str]:
    response = await client.get("/api/v1/certifications", params={"state": state},
                                headers=headers)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["total"] == len(body["items"])
    return [item["case_no"] for item in body["items"]]


async def test_due_overdue_done_and_upcoming_by_district(client: TestClient, db: Db,
                                                         service_headers: dict[str, str]) -> None:
    city = await staff_token(client, db, "city", None, role="city")
    yuzhong = await staff_token(client, db, "yuzhong", "渝中区")
    overdue, _ = await approved_case(client, service_headers, city, channel_user="chat-a")
    due, _ = await approved_case(client, service_headers, city, channel_user="chat-b")
    done, done_body = await approved_case(client, service_headers, city, channel_user="chat-c")
    upcoming, _ = await approved_case(client, service_headers, city, channel_user="chat-d")
    elsewhere, _ = await approved_case(client, service_headers, city, channel_user="chat-e",
                                       district="江北区", street="观音桥街道")
    await _due_in(db, overdue["case_no"], -1)
    await _due_in(db, due["case_no"], 10)
    await _due_in(db, elsewhere["case_no"], -5)
    await _due_in(db, done["case_no"], 2)
    challenge = await start(client, service_headers, channel_user="chat-c")
    await answer(client, service_headers, challenge, right_answers(challenge, done_body),
                 channel_user="chat-c")
    assert (await certify(client, service_headers, challenge, channel_user="chat-c"))[0] == 201

    assert await _listed(client, yuzhong, "overdue") == [overdue["case_no"]]
    assert await _listed(client, yuzhong, "due") == [due["case_no"]]
    assert await _listed(client, yuzhong, "done") == [done["case_no"]]
    assert await _listed(client, yuzhong, "upcoming") == [upcoming["case_no"]]
    assert await _listed(client, city, "overdue") == [elsewhere["case_no"], overdue["case_no"]]

    response = await client.get("/api/v1/certifications", params={"state": "done"},
                                headers=yuzhong)
    item = (await response.json())["items"][0]
    assert item["state_text"] == "已认证" and item["last_certified_at"]
    assert item["applicant_name"] == "王秀英"
    assert item["applicant_id_number_masked"].startswith("500***")
    response = await client.get("/api/v1/certifications", params={"state": "late"},
                                headers=yuzhong)
    assert response.status == 422
    response = await client.get("/api/v1/certifications", headers=service_headers)
    assert response.status == 401  # the service token cannot reach staff endpoints


async def test_case_tasks_are_scoped_and_can_be_marked_done(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    city = await staff_token(client, db, "city", None, role="city")
    yuzhong = await staff_token(client, db, "yuzhong", "渝中区")
    jiangbei = await staff_token(client, db, "jiangbei", "江北区")
    case, body = await approved_case(client, service_headers, city)
    challenge = await start(client, service_headers)
    await answer(client, service_headers, challenge, right_answers(challenge, body))
    status, _ = await certify(client, service_headers, challenge, still_at_address=True,
                              household_changed=False, income_changed=True,
                              income_detail="儿子找到工作了，每月三千")
    assert status == 201

    response = await client.get("/api/v1/case-tasks", headers=jiangbei)
    assert (await response.json())["items"] == []
    response = await client.get("/api/v1/case-tasks", headers=yuzhong)
    [task] = (await response.json())["items"]
    assert task["kind_text"] == "资格认证时报告了变化" and "每月三千" in task["description"]

    response = await client.post(f"/api/v1/case-tasks/{task['id']}/done", headers=jiangbei)
    assert response.status == 404  # not their district, and not told it exists
    response = await client.post(f"/api/v1/case-tasks/{task['id']}/done", headers=yuzhong)
    assert response.status == 200
    assert (await response.json())["status"] == "done"
    response = await client.post(f"/api/v1/case-tasks/{task['id']}/done", headers=yuzhong)
    assert response.status == 200  # marking it again changes nothing
    response = await client.get("/api/v1/case-tasks", headers=yuzhong)
    assert (await response.json())["items"] == []
    response = await client.get("/api/v1/case-tasks", params={"status": "done"}, headers=yuzhong)
    assert [t["id"] for t in (await response.json())["items"]] == [task["id"]]
    response = await client.post("/api/v1/case-tasks/abc/done", headers=yuzhong)
    assert response.status == 422

    response = await client.get(f"/api/v1/cases/{case['case_no']}/certifications",
                                headers=jiangbei)
    assert response.status == 404
    response = await client.get(f"/api/v1/cases/{case['case_no']}/certifications",
                                headers=yuzhong)
    history = await response.json()
    assert history["schedule"]["state"] == "done"
    assert [r["income_detail"] for r in history["records"]] == ["儿子找到工作了，每月三千"]
    async with db() as session:
        actions = list(await session.scalars(select(AuditEntry.action)))
    assert actions.count("case_task.done") == 1 and "certification.read" in actions
