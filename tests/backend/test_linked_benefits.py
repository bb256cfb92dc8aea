"""Linked benefits (免申即享): granted by the approval of dibao or tekun without a new
application, listed for the recipient's chat, exported per agency with masked IDs."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.app import create_app
from backend.models import AuditEntry, Base, LinkedBenefit, PublicNotice
from backend.services import linked_benefits
from backend.settings import Settings
from tests.backend.conftest import staff_token
from tests.backend.factories import make_id
from tests.backend.helpers import submit_complete_case
from tests.backend.recipient_steps import approved_case, move_case
from tests.backend.test_cli import ROOT, backend, cli_env  # noqa: F401 - the fixture

Db = async_sessionmaker[AsyncSession]
ALL_FIVE = ["医疗救助", "城乡居民医保参保资助", "有线电视费减免", "垃圾处置费减免", "电费减免"]
OWN_TABLES = {"assistance_certificate", "public_notice", "notice_objection", "linked_benefit"}


async def _benefits(client: TestClient, service: dict[str, str],
                    channel_user: str = "chat-1") -> dict[str, Any]:
    response = await client.get("/api/v1/service/benefits",
                                params={"channel_user": channel_user}, headers=service)
    assert response.status == 200, await response.text()
    return await response.json()


async def test_approval_grants_benefits_and_publishes_the_notice_together(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    case = await submit_complete_case(client, service_headers)
    await move_case(client, staff, case["case_no"], ("accepted", "verifying", "reviewing"))
    assert (await _benefits(client, service_headers))["items"] == []
    await move_case(client, staff, case["case_no"], ("approved",))
    async with db() as session:
        granted = (await session.scalars(select(LinkedBenefit).order_by(LinkedBenefit.id))).all()
        notices = (await session.scalars(select(PublicNotice))).all()
    assert [b.name for b in granted] == ALL_FIVE
    assert {b.agency for b in granted} == {"医保局", "广电网络公司", "城市管理局", "供电公司"}
    assert len(notices) == 1 and notices[0].case_id == granted[0].case_id


@pytest.mark.parametrize("kind, expected", [("tekun", ALL_FIVE), ("linshi", []),
                                            ("dibao_edge", [])])
async def test_which_types_bring_benefits(client: TestClient, db: Db,
                                          service_headers: dict[str, str], kind: str,
                                          expected: list[str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    await approved_case(client, service_headers, staff, assistance_type=kind)
    listing = await _benefits(client, service_headers)
    assert listing["approved_cases"] == 1
    assert [b["name"] for b in listing["items"]] == expected


async def test_the_recipient_sees_their_benefits_and_nobody_else_does(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    case = await approved_case(client, service_headers, staff)
    listing = await _benefits(client, service_headers)
    assert listing["total"] == 5
    first = listing["items"][0]
    assert (first["name"], first["agency"], first["case_no"]) == ("医疗救助", "医保局",
                                                                 case["case_no"])
    assert first["description"] and first["granted_on"]
    other = await _benefits(client, service_headers, channel_user="stranger")
    assert (other["approved_cases"], other["items"]) == (0, [])


async def test_granting_twice_changes_nothing(client: TestClient, db: Db,
                                             service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    case = await approved_case(client, service_headers, staff)
    async with db.begin() as session:
        row = await session.scalar(select(LinkedBenefit).limit(1))
        assert row is not None
        assert await linked_benefits.grant_for_case(session=session, case=row.case) == []
        count = await session.scalar(select(func.count()).select_from(LinkedBenefit))
    assert count == 5 and row.case.case_no == case["case_no"]


def test_the_benefit_list_is_data(tmp_path: Path) -> None:
    rules = linked_benefits.load_rules()
    assert [r.name for r in rules] == ALL_FIVE
    assert all(r.types == {"dibao", "tekun"} for r in rules)
    broken = tmp_path / "benefits.json"
    broken.write_text(json.dumps({"benefits": [{"code": "x", "name": "x", "agency": "x",
                                                "types": ["wubao"], "description": "x"}]}))
    with pytest.raises(ValueError, match="unknown assistance type"):
        linked_benefits.load_rules(broken)


async def test_staff_export_per_agency_is_masked_scoped_and_audited(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    yuzhong = await staff_token(client, db, "yuzhong", "渝中区")
    jiangbei = await staff_token(client, db, "jiangbei", "江北区")
    city = await staff_token(client, db, "city", None, role="city")
    id_number = make_id("19580312")
    case = await approved_case(client, service_headers, yuzhong, applicant_id_number=id_number)
    await approved_case(client, service_headers, jiangbei, district="江北区",
                        street="观音桥街道")

    url = "/api/v1/benefits/export"
    response = await client.get(url, params={"agency": "医保局"}, headers=yuzhong)
    assert response.status == 200
    text = await response.text()
    rows = [json.loads(line) for line in text.splitlines()]
    assert [(r["benefit"], r["case_no"]) for r in rows] == [
        ("医疗救助", case["case_no"]), ("城乡居民医保参保资助", case["case_no"])]
    assert rows[0]["id_number_masked"] == id_number[:3] + "*" * 11 + id_number[-4:]
    assert rows[0]["holder_name"] == "王秀英" and rows[0]["district"] == "渝中区"
    assert id_number not in text

    response = await client.get(url, params={"agency": "供电公司", "format": "csv"},
                                headers=city)
    table = list(csv.DictReader(io.StringIO(await response.text())))
    assert sorted(r["district"] for r in table) == ["江北区", "渝中区"]
    assert {r["benefit"] for r in table} == {"电费减免"}

    assert (await client.get(url, params={"agency": "公安局"}, headers=city)).status == 422
    assert (await client.get(url, params={"format": "xml"}, headers=city)).status == 422
    assert (await client.get(url, headers=service_headers)).status == 401
    async with db() as session:
        audited = await session.scalar(select(func.count()).select_from(AuditEntry)
                                       .where(AuditEntry.action == "benefits.export"))
    assert audited == 2


async def test_cli_exports_one_agency(cli_env: dict[str, str], aiohttp_client: Any) -> None:  # noqa: F811
    assert backend(cli_env, "migrate").returncode == 0
    assert backend(cli_env, "staff", "create", "--username", "yuzhong", "--password",
                   "a long password", "--district", "渝中区").returncode == 0
    settings = Settings.from_env(cli_env, env_file=Path("/nonexistent"))
    client: TestClient = await aiohttp_client(create_app(settings))
    login = await client.post("/api/v1/staff/login",
                              json={"username": "yuzhong", "password": "a long password"})
    staff = {"Authorization": f"Bearer {(await login.json())['token']}"}
    service = {"Authorization": f"Bearer {cli_env['SERVICE_TOKEN']}"}
    id_number = make_id("19580312")
    case = await approved_case(client, service, staff, applicant_id_number=id_number)

    exported = backend(cli_env, "benefits", "export", "--agency", "医保局")
    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [r["benefit"] for r in rows] == ["医疗救助", "城乡居民医保参保资助"]
    assert all(r["case_no"] == case["case_no"] and r["agency"] == "医保局" for r in rows)
    assert id_number not in exported.stdout
    assert "exported 2 benefits" in exported.stderr

    as_csv = backend(cli_env, "benefits", "export", "--agency", "城市管理局", "--format", "csv")
    assert as_csv.returncode == 0
    assert list(csv.DictReader(io.StringIO(as_csv.stdout)))[0]["benefit"] == "垃圾处置费减免"
    unknown = backend(cli_env, "benefits", "export", "--agency", "公安局")
    assert unknown.returncode == 1 and "医保局" in unknown.stderr


def test_cli_help_names_the_subcommand() -> None:
    result = subprocess.run([sys.executable, "-m", "backend", "benefits", "export", "--help"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "--agency" in result.stdout


async def test_migration_0005_matches_the_models(db: Db) -> None:
    """The hand-written migration creates exactly the tables and columns the models declare."""
    async with db() as session:
        connection = await session.connection()
        diff = await connection.run_sync(lambda sync: compare_metadata(
            MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata))
    own = [d for d in _flatten(diff) if _table_of(d) in OWN_TABLES]
    assert own == []


def _flatten(diff: list[Any]) -> list[Any]:
    return [item for entry in diff for item in (entry if isinstance(entry, list) else [entry])]


def _table_of(change: tuple[Any, ...]) -> str | None:
    for part in change[1:]:
        name = getattr(part, "name", None)
        table = getattr(part, "table", None)
        if table is not None and getattr(table, "name", None):
            return str(table.name)
        if isinstance(part, str) and part in OWN_TABLES:
            return part
        if name in OWN_TABLES:
            return str(name)
    return None
