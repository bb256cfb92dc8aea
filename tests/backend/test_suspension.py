"""After approval: staff suspend payment while a change is reviewed, resume it, or end the
assistance (停保). What hangs on an approval follows: certification schedule, linked
benefits, the monitored population, signing, and the console's choices."""

from __future__ import annotations

import json

from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import Case, CertificationSchedule, MonitoredPerson
from tests.backend.conftest import staff_token
from tests.backend.recipient_steps import approved_case, move_case
from tests.backend.test_console_auth import sign_in

Db = async_sessionmaker[AsyncSession]


async def _state(db: Db, case_no: str) -> tuple[str, str, list[bool]]:
    """Case status, schedule status, and for each monitored person whether still in force."""
    async with db() as session:
        case = await session.scalar(select(Case).where(Case.case_no == case_no))
        assert case is not None
        schedule = await session.scalar(select(CertificationSchedule)
                                        .where(CertificationSchedule.case_id == case.id))
        people = (await session.scalars(select(MonitoredPerson)
                                        .where(MonitoredPerson.case_id == case.id))).all()
        return case.status, schedule.status if schedule else "", [p.until is None for p in people]


async def _exported(client: TestClient, staff: dict[str, str]) -> set[str]:
    response = await client.get("/api/v1/benefits/export", headers=staff)
    assert response.status == 200
    return {json.loads(line)["case_no"] for line in (await response.text()).splitlines()}


async def test_suspend_resume_and_end_assistance(client: TestClient, db: Db,
                                                 service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    case_no = (await approved_case(client, service_headers, staff))["case_no"]
    status, schedule, people = await _state(db, case_no)
    assert (status, schedule) == ("approved", "active") and people and all(people)
    assert case_no in await _exported(client, staff)

    body = await move_case(client, staff, case_no, ("suspended",))
    assert body["status"] == "suspended"
    status, schedule, people = await _state(db, case_no)
    assert (status, schedule) == ("suspended", "stopped")
    assert all(people)  # still recipients: cross-checks keep finding them
    assert case_no not in await _exported(client, staff)  # benefits paused with the case

    await move_case(client, staff, case_no, ("approved",))
    status, schedule, _ = await _state(db, case_no)
    assert (status, schedule) == ("approved", "active")
    assert case_no in await _exported(client, staff)

    await move_case(client, staff, case_no, ("terminated",))
    status, schedule, people = await _state(db, case_no)
    assert (status, schedule) == ("terminated", "stopped")
    assert people and not any(people)  # left assistance: watched for a year from now
    assert case_no not in await _exported(client, staff)
    response = await client.post(f"/api/v1/cases/{case_no}/transitions",
                                 json={"to": "approved", "reason": "恢复"}, headers=staff)
    assert response.status == 409  # ended is final; a new application starts again
    assert "救助已停止" in (await response.json())["error"]["message"]


async def test_applicant_reads_the_new_statuses(client: TestClient, db: Db,
                                                service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    case = await approved_case(client, service_headers, staff, channel_user="chat-suspend")
    await move_case(client, staff, case["case_no"], ("suspended",))
    response = await client.get(f"/api/v1/service/cases/{case['case_no']}",
                                params={"channel_user": "chat-suspend"}, headers=service_headers)
    assert response.status == 200, await response.text()
    assert "暂停发放" in json.dumps(await response.json(), ensure_ascii=False)


async def test_console_offers_suspend_end_and_resume(client: TestClient, db: Db,
                                                     service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "api-user", "渝中区")
    case_no = (await approved_case(client, service_headers, staff))["case_no"]
    await sign_in(client, db, "console-user", "渝中区")
    page = await (await client.get(f"/console/cases/{case_no}")).text()
    assert "暂停发放，复核" in page and "停止救助（停保）" in page
    await move_case(client, staff, case_no, ("suspended",))
    page = await (await client.get(f"/console/cases/{case_no}")).text()
    assert "复核通过，恢复发放" in page and "审核通过，批准" not in page
