"""The monitored population: who is in it, kept up by the status hook and by a full refresh."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient
from sqlalchemy import delete, select, update

from backend.models import Case, CaseEvent, HouseholdMember, MonitoredPerson
from backend.models.base import utcnow
from backend.services.monitoring.population import refresh_population
from backend.settings import Settings
from tests.backend.conftest import staff_token
from tests.backend.monitoring_steps import REJECT, Db, cipher_of, household, monitored


async def test_decisions_put_the_right_people_in_the_population(
        client: TestClient, db: Db, settings: Settings, service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    cipher = cipher_of(settings)
    dibao = await household(client, service_headers, staff)
    edge = await household(client, service_headers, staff, assistance_type="dibao_edge")
    rejected = await household(client, service_headers, staff, moves=REJECT, assistance_type="tekun")
    await household(client, service_headers, staff, moves=("accepted", "verifying"))  # under way
    await household(client, service_headers, None)  # submitted, not yet decided
    withdrawn = await household(client, service_headers, None)
    response = await client.post(f"/api/v1/service/cases/{withdrawn.case_no}/withdraw",
                                 json={"channel_user": "chat-1", "reason": "不申请了"},
                                 headers=service_headers)
    assert response.status == 200, await response.text()
    await client.post("/api/v1/service/drafts", json={"channel_user": "chat-9"},
                      headers=service_headers)  # a draft

    rows = await monitored(db)
    by_hash = {row.id_hash: row for row in rows}
    expected = {
        dibao.applicant: ("dibao", "applicant"), dibao.son: ("dibao", "member"),
        dibao.granddaughter: ("dibao", "member"),
        edge.applicant: ("dibao_edge", "applicant"), edge.son: ("dibao_edge", "member"),
        edge.granddaughter: ("dibao_edge", "member"),
        rejected.applicant: ("rejected", "applicant"), rejected.son: ("rejected", "member"),
        rejected.granddaughter: ("rejected", "member"),
    }
    assert {cipher.lookup_hash(i): v for i, v in expected.items()} == {
        h: (row.category, row.member_role) for h, row in by_hash.items()}
    assert all(row.district == "渝中区" and row.until is None for row in rows)

    # A full refresh of an up-to-date population changes nothing.
    async with db.begin() as session:
        summary = await refresh_population(session=session)
    assert (summary.added, summary.updated, summary.closed, summary.monitored) == (0, 0, 0, 9)


async def test_refresh_rebuilds_closes_and_expires(
        client: TestClient, db: Db, settings: Settings, service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    cipher = cipher_of(settings)
    dibao = await household(client, service_headers, staff)
    linshi = await household(client, service_headers, staff, assistance_type="linshi")
    old_linshi = await household(client, service_headers, staff, assistance_type="linshi")
    async with db.begin() as session:
        await session.execute(delete(MonitoredPerson))  # as before monitoring existed
        old_case = await session.scalar(select(Case.id).where(Case.case_no == old_linshi.case_no))
        await session.execute(update(CaseEvent).where(CaseEvent.case_id == old_case,
                                                      CaseEvent.to_status == "approved")
                              .values(created_at=utcnow() - timedelta(days=400)))

    async with db.begin() as session:
        summary = await refresh_population(session=session)
    # 临时救助 granted 400 days ago is past its year: not monitored any more.
    assert (summary.added, summary.purged, summary.monitored) == (6, 0, 6)
    rows = {row.id_hash: row for row in await monitored(db)}
    linshi_row = rows[cipher.lookup_hash(linshi.applicant)]
    assert linshi_row.category == "linshi" and linshi_row.until == linshi_row.since
    assert cipher.lookup_hash(old_linshi.applicant) not in rows

    # The son leaves the household of the 低保 case: he stays monitored as one who left.
    son_hash = cipher.lookup_hash(dibao.son)
    async with db.begin() as session:
        await session.execute(delete(HouseholdMember).where(HouseholdMember.id_number_hash == son_hash))
    async with db.begin() as session:
        summary = await refresh_population(session=session)
    assert (summary.added, summary.closed, summary.monitored) == (0, 1, 6)
    son = {row.id_hash: row for row in await monitored(db)}[son_hash]
    assert son.until is not None and son.category == "dibao"

    # A year after leaving, he is no longer monitored.
    async with db.begin() as session:
        await session.execute(update(MonitoredPerson).where(MonitoredPerson.id_hash == son_hash)
                              .values(until=utcnow() - timedelta(days=366)))
    async with db.begin() as session:
        summary = await refresh_population(session=session)
    assert (summary.purged, summary.monitored) == (1, 5)
    assert son_hash not in {row.id_hash for row in await monitored(db)}
