"""Staff console: certification states and case tasks, scoped to the staff user's 区县."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import CaseTask, CertificationSchedule
from backend.services.certification import china_today
from tests.backend.certification_steps import answer, approved_case, certify, right_answers, start
from tests.backend.conftest import staff_token
from tests.backend.test_console_auth import csrf_of, post_form, sign_in

Db = async_sessionmaker[AsyncSession]


async def test_certification_tabs_and_task_done_within_the_district(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    city = await staff_token(client, db, "city-api", None, role="city")
    mine, body = await approved_case(client, service_headers, city, channel_user="chat-a")
    other, _ = await approved_case(client, service_headers, city, channel_user="chat-b",
                                   district="江北区", street="观音桥街道")
    async with db.begin() as session:  # both are a day late
        await session.execute(update(CertificationSchedule).values(
            next_due_on=china_today() - timedelta(days=1)))

    csrf = await sign_in(client, db, "yuzhong", "渝中区")
    text = await (await client.get("/console/certifications")).text()
    assert mine["case_no"] in text and other["case_no"] not in text
    assert "已逾期" in text and "资格认证" in text and "案件任务" in text  # tabs and top bar
    assert "500***" in text and body["applicant_id_number"] not in text  # masked only

    challenge = await start(client, service_headers, channel_user="chat-a")
    await answer(client, service_headers, challenge, right_answers(challenge, body),
                 channel_user="chat-a")
    status, _ = await certify(client, service_headers, challenge, channel_user="chat-a",
                              still_at_address=True, household_changed=True,
                              household_detail="孙女<b>出嫁</b>搬走了", income_changed=False)
    assert status == 201
    text = await (await client.get("/console/certifications", params={"state": "done"})).text()
    assert mine["case_no"] in text
    assert mine["case_no"] not in await (await client.get("/console/certifications")).text()
    assert (await client.get("/console/certifications", params={"state": "x"})).status == 422

    text = await (await client.get("/console/case-tasks")).text()
    assert "孙女&lt;b&gt;出嫁&lt;/b&gt;搬走了" in text  # what the person typed is escaped
    async with db() as session:
        task_id = await session.scalar(select(CaseTask.id))
    path = f"/console/case-tasks/{task_id}/done"
    assert (await post_form(client, path, None)).status == 403  # no CSRF token
    response = await post_form(client, path, csrf)
    assert response.status == 303
    assert response.headers["Location"] == "/console/case-tasks?done=task_done"
    text = await (await client.get(response.headers["Location"])).text()
    assert "已标记为处理完毕" in text and "出嫁" not in text
    assert "出嫁" in await (await client.get("/console/case-tasks",
                                             params={"status": "done"})).text()

    await sign_in(client, db, "jiangbei", "江北区")
    assert "出嫁" not in await (await client.get("/console/case-tasks",
                                                 params={"status": "done"})).text()
    assert (await post_form(client, path, None)).status == 403
    jiangbei_csrf = csrf_of(await (await client.get("/console/case-tasks")).text())
    assert (await post_form(client, path, jiangbei_csrf)).status == 404
