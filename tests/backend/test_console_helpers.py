"""Staff console: the helper registry pages — list, register, deactivate, linked cases."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import RegisteredHelper
from tests.backend.helpers import submit_complete_case
from tests.backend.test_console_auth import post_form, sign_in

Db = async_sessionmaker[AsyncSession]


async def _helpers(db: Db) -> list[RegisteredHelper]:
    async with db() as session:
        return list(await session.scalars(select(RegisteredHelper).order_by(RegisteredHelper.id)))


async def test_register_and_deactivate_through_the_pages(client: TestClient, db: Db,
                                                         service_headers: dict[str, str]) -> None:
    filed = await submit_complete_case(client, service_headers, channel_user="chat-helper", helper={
        "name": "张网格", "relation": "网格员", "phone": "13900002222"})
    csrf = await sign_in(client, db, "yuzhong", "渝中区")
    response = await client.get("/console/helpers")
    assert response.status == 200
    text = await response.text()
    assert "帮办代办人登记" in text and "登记新的帮办代办人" in text and "没有登记记录" in text

    response = await post_form(client, "/console/helpers", csrf, name="张网格", kind="community_worker",
                               phone="13900002222", organisation="解放碑社区", id_number="")
    assert response.status == 303, await response.text()
    [helper] = await _helpers(db)
    assert (helper.name, helper.kind, helper.district, helper.organisation, helper.is_active) == (
        "张网格", "community_worker", "渝中区", "解放碑社区", True)
    assert helper.id_number_enc is None
    assert response.headers["Location"] == f"/console/helpers/{helper.id}?done=registered"

    text = await (await client.get(response.headers["Location"])).text()
    assert "已登记这位帮办代办人" in text and "139****2222" in text and "13900002222" not in text
    assert filed["case_no"] in text  # the case they filed, found by name and phone
    text = await (await client.get("/console/helpers")).text()
    assert "张网格" in text and "社区工作者" in text
    # The case page knows the helper is registered.
    text = await (await client.get(f"/console/cases/{filed['case_no']}")).text()
    assert f"/console/helpers/{helper.id}" in text

    response = await post_form(client, f"/console/helpers/{helper.id}/deactivate", csrf)
    assert response.status == 303
    [helper] = await _helpers(db)
    assert not helper.is_active and helper.deactivated_at is not None
    text = await (await client.get("/console/helpers", params={"active": "no"})).text()
    assert "张网格" in text
    text = await (await client.get("/console/helpers")).text()
    assert "没有登记记录" in text


async def test_register_form_errors_are_shown_in_the_form(client: TestClient, db: Db) -> None:
    csrf = await sign_in(client, db, "yuzhong", "渝中区")
    response = await post_form(client, "/console/helpers", csrf, name="李志愿", kind="volunteer",
                               phone="12345")
    assert response.status == 422
    text = await response.text()
    assert "手机号" in text and 'value="李志愿"' in text
    response = await post_form(client, "/console/helpers", csrf, name="李志愿", kind="volunteer",
                               phone="13700001111", id_number="500103198001011234")
    assert response.status == 422
    assert "身份证号" in await response.text()
    assert await _helpers(db) == []
    await post_form(client, "/console/helpers", csrf, name="李志愿", kind="volunteer",
                    phone="13700001111")
    response = await post_form(client, "/console/helpers", csrf, name="王另一个", kind="relative",
                               phone="13700001111")
    assert response.status == 409
    assert "已经登记" in await response.text()
    assert len(await _helpers(db)) == 1
    response = await post_form(client, "/console/helpers", None, name="赵无令牌", kind="relative",
                               phone="13700009999")
    assert response.status == 403
    assert len(await _helpers(db)) == 1


async def test_other_district_helper_is_refused(client: TestClient, db: Db) -> None:
    csrf = await sign_in(client, db, "jiangbei", "江北区")
    await post_form(client, "/console/helpers", csrf, name="江北人", kind="volunteer",
                    phone="13600001111")
    [helper] = await _helpers(db)
    csrf = await sign_in(client, db, "yuzhong", "渝中区")
    text = await (await client.get("/console/helpers", params={"active": "all"})).text()
    assert "江北人" not in text
    response = await client.get(f"/console/helpers/{helper.id}")
    assert response.status == 404 and "江北人" not in await response.text()
    response = await post_form(client, f"/console/helpers/{helper.id}/deactivate", csrf)
    assert response.status == 404
    [helper] = await _helpers(db)
    assert helper.is_active

    csrf = await sign_in(client, db, "city", None, role="city")
    text = await (await client.get("/console/helpers")).text()
    assert "江北人" in text and 'name="district"' in text
    response = await post_form(client, "/console/helpers", csrf, name="城区人", kind="relative",
                               phone="13600002222", district="渝中区")
    assert response.status == 303
    assert [h.district for h in await _helpers(db)] == ["江北区", "渝中区"]
