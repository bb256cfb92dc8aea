"""Staff console: the case list and its filters, the audited case page, status transitions."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import AuditEntry, Case, CaseEvent
from tests.backend.factories import make_id
from tests.backend.helpers import submit_complete_case
from tests.backend.test_console_auth import post_form, sign_in

Db = async_sessionmaker[AsyncSession]


async def _reads(db: Db) -> int:
    async with db() as session:
        return await session.scalar(select(func.count()).select_from(AuditEntry)
                                    .where(AuditEntry.action == "case.read")) or 0


async def test_case_list_filters_and_district_scope(client: TestClient, db: Db,
                                                    service_headers: dict[str, str]) -> None:
    dibao = await submit_complete_case(client, service_headers)
    linshi = await submit_complete_case(client, service_headers, assistance_type="linshi")
    jiangbei = await submit_complete_case(client, service_headers, district="江北区",
                                          street="观音桥街道")
    await sign_in(client, db, "yuzhong", "渝中区")
    response = await client.get("/console/cases")
    assert response.status == 200
    text = await response.text()
    assert "<h1>案件</h1>" in text and "共 2 件" in text
    assert dibao["case_no"] in text and linshi["case_no"] in text
    assert jiangbei["case_no"] not in text
    assert 'name="district"' not in text  # the 区县 filter is the city role's
    assert re.search(r"500\*{11}\d{3}[\dX]", text)  # masked ID numbers in the list
    assert "王秀英" in text and "解放碑街道" in text

    text = await (await client.get("/console/cases", params={"assistance_type": "linshi"})).text()
    assert linshi["case_no"] in text and dibao["case_no"] not in text
    text = await (await client.get("/console/cases", params={"q": dibao["case_no"][-6:].lower()})).text()
    assert dibao["case_no"] in text and linshi["case_no"] not in text
    text = await (await client.get("/console/cases", params={"status": "approved"})).text()
    assert "没有符合条件的案件" in text
    # Asking for another 区县 by URL still shows only one's own.
    text = await (await client.get("/console/cases", params={"district": "江北区"})).text()
    assert jiangbei["case_no"] not in text
    assert (await client.get("/console/cases", params={"status": "nonsense"})).status == 422

    await sign_in(client, db, "city", None, role="city")
    text = await (await client.get("/console/cases")).text()
    assert "共 3 件" in text and 'name="district"' in text
    text = await (await client.get("/console/cases", params={"district": "江北区"})).text()
    assert jiangbei["case_no"] in text and dibao["case_no"] not in text


async def test_case_page_shows_everything_and_is_audited(client: TestClient, db: Db,
                                                         service_headers: dict[str, str]) -> None:
    applicant_id = make_id("19580312")
    son_id = make_id("19850607")
    case = await submit_complete_case(
        client, service_headers, applicant_id_number=applicant_id,
        members=[{"relation": "儿子", "name": "李强", "id_number": son_id, "health": "disabled"}],
        helper={"name": "张网格", "relation": "网格员", "phone": "13900002222",
                "organisation": "解放碑社区"})
    await sign_in(client, db, "yuzhong", "渝中区")
    assert await _reads(db) == 0
    response = await client.get(f"/console/cases/{case['case_no']}")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    text = await response.text()
    for expected in (case["case_no"], "申请人", "王秀英", applicant_id, "13800001234", "家庭成员",
                     "李强", son_id, "残疾", "授权书签署", "案件记录", "查阅记录", "帮办代办人",
                     "张网格", "未在登记名册中", "已提交", "查看案件"):
        assert expected in text, expected
    assert await _reads(db) == 1
    async with db() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "case.read"))
        assert entry is not None and entry.detail == "console"
    # Only the legal staff moves from 已提交 are offered.
    offered = re.findall(r'<option value="(\w+)">', text)
    assert sorted(offered) == ["accepted", "rejected"]


async def test_transition_with_reason_is_recorded(client: TestClient, db: Db,
                                                  service_headers: dict[str, str]) -> None:
    case_no = (await submit_complete_case(client, service_headers))["case_no"]
    csrf = await sign_in(client, db, "yuzhong", "渝中区")
    url = f"/console/cases/{case_no}/transition"
    response = await post_form(client, url, csrf, to="accepted", reason="材料齐全，予以受理")
    assert response.status == 303
    assert response.headers["Location"] == f"/console/cases/{case_no}?done=transition"
    async with db() as session:
        case = await session.scalar(select(Case).where(Case.case_no == case_no))
        assert case is not None and case.status == "accepted"
        event = await session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                     .order_by(CaseEvent.id.desc()))
        assert event is not None
        assert (event.from_status, event.to_status, event.actor_type, event.actor, event.reason) == (
            "submitted", "accepted", "staff", "yuzhong", "材料齐全，予以受理")
    text = await (await client.get(response.headers["Location"])).text()
    assert "案件状态已变更" in text and "材料齐全，予以受理" in text
    offered = re.findall(r'<option value="(\w+)">', text)
    assert offered == ["verifying"]

    # Not legal from 已受理: a 409 page, nothing changes.
    response = await post_form(client, url, csrf, to="approved", reason="直接批准")
    assert response.status == 409
    assert "不能变更" in await response.text()
    response = await post_form(client, url, csrf, to="verifying", reason="")
    assert response.status == 422
    assert "原因" in await response.text()
    response = await post_form(client, url, None, to="verifying", reason="没有令牌")
    assert response.status == 403
    async with db() as session:
        assert await session.scalar(select(Case.status).where(Case.case_no == case_no)) == "accepted"


async def test_other_district_case_page_and_form_are_refused(client: TestClient, db: Db,
                                                             service_headers: dict[str, str]) -> None:
    applicant_id = make_id("19580312", region="500105")
    case_no = (await submit_complete_case(client, service_headers, district="江北区",
                                          street="观音桥街道", applicant_id_number=applicant_id,
                                          applicant_name="赵江北"))["case_no"]
    csrf = await sign_in(client, db, "yuzhong", "渝中区")
    response = await client.get(f"/console/cases/{case_no}")
    assert response.status == 404
    text = await response.text()
    assert "没有找到这个案件编号" in text
    assert "赵江北" not in text and applicant_id not in text
    response = await post_form(client, f"/console/cases/{case_no}/transition", csrf,
                               to="accepted", reason="越权受理")
    assert response.status == 404
    async with db() as session:
        assert await session.scalar(select(Case.status).where(Case.case_no == case_no)) == "submitted"
    assert await _reads(db) == 0

    await sign_in(client, db, "city", None, role="city")
    response = await client.get(f"/console/cases/{case_no}")
    assert response.status == 200
    assert applicant_id in await response.text()
    assert await _reads(db) == 1
