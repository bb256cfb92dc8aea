"""Helper registry (帮办代办人登记) through the staff JSON API, and its migration."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db import create_engine
from backend.models import AuditEntry, Base, RegisteredHelper
from backend.settings import Settings
from tests.backend.conftest import staff_token
from tests.backend.factories import make_id
from tests.backend.helpers import submit_complete_case

Db = async_sessionmaker[AsyncSession]
URL = "/api/v1/helpers"


def helper_body(**overrides: Any) -> dict[str, Any]:
    return {"name": "张网格", "kind": "community_worker", "phone": "13900002222",
            "organisation": "解放碑社区", **overrides}


async def test_register_list_and_deactivate(client: TestClient, db: Db) -> None:
    headers = await staff_token(client, db, "yuzhong", "渝中区")
    id_number = make_id("19800101")
    response = await client.post(URL, headers=headers, json=helper_body(id_number=id_number))
    assert response.status == 201, await response.text()
    helper = await response.json()
    assert helper["district"] == "渝中区" and helper["active"] is True
    assert helper["kind_name"] == "社区工作者（网格员、社工）"
    assert helper["phone_masked"] == "139****2222"
    assert helper["id_number_masked"] == id_number[:3] + "*" * 11 + id_number[-4:]
    assert "13900002222" not in await response.text() and id_number not in await response.text()
    async with db() as session:
        row = await session.get(RegisteredHelper, helper["id"])
        assert row is not None and row.created_by is not None
        assert "13900002222" not in row.phone_enc and row.phone_hash != "13900002222"
        assert row.id_number_enc and id_number not in row.id_number_enc

    # The same phone cannot be registered twice while active.
    response = await client.post(URL, headers=headers, json=helper_body(name="张另一个"))
    assert response.status == 409
    assert (await response.json())["error"]["code"] == "helper_registered"

    listing = await (await client.get(URL, headers=headers)).json()
    assert [h["name"] for h in listing["items"]] == ["张网格"]
    response = await client.post(f"{URL}/{helper['id']}/deactivate", headers=headers)
    assert response.status == 200
    assert (await response.json())["active"] is False
    assert (await client.post(f"{URL}/{helper['id']}/deactivate", headers=headers)).status == 409
    assert (await (await client.get(URL, params={"active": "true"}, headers=headers)).json())["total"] == 0
    assert (await (await client.get(URL, params={"active": "false"}, headers=headers)).json())["total"] == 1
    assert (await client.get(URL, params={"active": "maybe"}, headers=headers)).status == 422
    # Once deactivated, the phone can be registered again.
    assert (await client.post(URL, headers=headers, json=helper_body())).status == 201
    async with db() as session:
        actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["helper.register", "helper.deactivate", "helper.register"]


async def test_refuses_bad_input(client: TestClient, db: Db) -> None:
    headers = await staff_token(client, db, "yuzhong", "渝中区")
    for body in (helper_body(phone="12345"), helper_body(kind="boss"),
                 helper_body(id_number="500103198001011234"), helper_body(extra="x"),
                 helper_body(district="江北区"), helper_body(name="<script>")):
        response = await client.post(URL, headers=headers, json=body)
        assert response.status == 422, body
    city = await staff_token(client, db, "city", None, role="city")
    response = await client.post(URL, headers=city, json=helper_body())
    assert response.status == 422
    assert (await response.json())["error"]["code"] == "district_required"
    response = await client.post(URL, headers=city, json=helper_body(district="江北区"))
    assert response.status == 201
    assert (await response.json())["district"] == "江北区"


async def test_district_scoping(client: TestClient, db: Db) -> None:
    jiangbei = await staff_token(client, db, "jiangbei", "江北区")
    helper = await (await client.post(URL, headers=jiangbei, json=helper_body())).json()
    yuzhong = await staff_token(client, db, "yuzhong", "渝中区")
    assert (await (await client.get(URL, headers=yuzhong)).json())["items"] == []
    assert (await client.get(f"{URL}/{helper['id']}", headers=yuzhong)).status == 404
    assert (await client.post(f"{URL}/{helper['id']}/deactivate", headers=yuzhong)).status == 404
    async with db() as session:
        row = await session.get(RegisteredHelper, helper["id"])
        assert row is not None and row.is_active
    city = await staff_token(client, db, "city", None, role="city")
    assert (await (await client.get(URL, headers=city)).json())["total"] == 1
    assert (await client.get(URL)).status == 401


async def test_cases_filed_by_a_helper(client: TestClient, db: Db,
                                       service_headers: dict[str, str]) -> None:
    helper_fields = {"name": "张网格", "relation": "网格员", "phone": "13900002222"}
    filed = await submit_complete_case(client, service_headers, channel_user="chat-helper",
                                       helper=helper_fields)
    other_phone = await submit_complete_case(client, service_headers, channel_user="chat-other",
                                             helper={**helper_fields, "phone": "13900003333"})
    elsewhere = await submit_complete_case(client, service_headers, channel_user="chat-helper",
                                           helper=helper_fields, district="江北区",
                                           street="观音桥街道")
    await submit_complete_case(client, service_headers)  # no helper
    headers = await staff_token(client, db, "yuzhong", "渝中区")
    helper = await (await client.post(URL, headers=headers, json=helper_body())).json()
    detail = await (await client.get(f"{URL}/{helper['id']}", headers=headers)).json()
    case_nos = [c["case_no"] for c in detail["cases"]]
    assert case_nos == [filed["case_no"]]
    assert other_phone["case_no"] not in case_nos and elsewhere["case_no"] not in case_nos
    assert detail["cases"][0]["applicant_id_number_masked"].startswith("500***")


async def test_migration_matches_the_model(settings: Settings) -> None:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata))
    finally:
        await engine.dispose()
    assert [d for d in diff if "registered_helper" in repr(d)] == []
