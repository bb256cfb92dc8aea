"""Staff console pages of monitoring: upload a file, the alert list, resolve an alert."""

from __future__ import annotations

import re
from datetime import date, timedelta

from aiohttp import FormData
from aiohttp.test_utils import TestClient

from backend.services.monitoring.records import RecordKind
from tests.backend.conftest import staff_token
from tests.backend.monitoring_steps import Db, csv_file, household
from tests.backend.test_console_auth import post_form, sign_in

DAY = (date.today() - timedelta(days=7)).isoformat()


def upload_form(csrf: str | None, kind: str, data: bytes) -> FormData:
    form = FormData()
    if csrf is not None:
        form.add_field("csrf_token", csrf)
    form.add_field("kind", kind)
    form.add_field("file", data, filename="deaths.csv", content_type="text/csv")
    return form


async def test_upload_list_and_resolve_in_the_console(client: TestClient, db: Db,
                                                      service_headers: dict[str, str]) -> None:
    yuzhong_api = await staff_token(client, db, "approver", "渝中区")
    jiangbei_api = await staff_token(client, db, "jiangbei", "江北区")
    here = await household(client, service_headers, yuzhong_api)
    there = await household(client, service_headers, jiangbei_api, district="江北区", street="观音桥街道")
    city = await staff_token(client, db, "city", None, role="city")
    response = await client.post("/api/v1/monitoring/imports", params={"kind": "deaths"},
                                 data=csv_file(RecordKind.DEATHS, [[there.applicant, DAY]]),
                                 headers={**city, "Content-Type": "text/csv"})
    assert response.status == 201

    for path in ("/console/monitoring", "/console/monitoring/imports", "/console/monitoring/alerts/1"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303 and "/console/login" in response.headers["Location"], path

    csrf = await sign_in(client, db, "yuzhong", "渝中区")
    page = await (await client.get("/console/monitoring/imports")).text()
    assert "身份证号,死亡日期" in page and 'enctype="multipart/form-data"' in page
    deaths = csv_file(RecordKind.DEATHS, [[here.applicant, DAY], [there.son, DAY], ["坏行", DAY]])
    response = await client.post("/console/monitoring/imports", data=upload_form(None, "deaths", deaths))
    assert response.status == 403
    response = await client.post("/console/monitoring/imports", data=upload_form(csrf, "marriage", deaths))
    assert response.status == 422 and "应为表头" in await response.text()
    response = await client.post("/console/monitoring/imports", data=upload_form(csrf, "deaths", deaths))
    assert response.status == 200, await response.text()
    text = await response.text()
    assert "新生成预警 1 条" in text and "有误的行 1 行" in text  # 江北区's person is not matched
    assert "deaths.csv" in text

    listing = await (await client.get("/console/monitoring")).text()
    assert "监测预警" in listing and "暂停待遇复核" in listing and here.case_no in listing
    assert there.case_no not in listing and here.applicant not in listing
    assert here.applicant[-4:] in listing
    assert "没有符合条件的预警" in await (await client.get(
        "/console/monitoring", params={"kind": "marriage"})).text()
    alert_id = re.search(r"/console/monitoring/alerts/(\d+)", listing).group(1)  # type: ignore[union-attr]

    page = f"/console/monitoring/alerts/{alert_id}"
    text = await (await client.get(page)).text()
    assert "提交处理结果" in text and "死亡" in text
    response = await post_form(client, f"{page}/resolve", csrf, outcome_code="", outcome_text="")
    assert response.status == 422
    response = await post_form(client, f"{page}/resolve", csrf, outcome_code="benefit_suspended",
                               outcome_text="经入户核实，已停发")
    assert response.status == 303
    assert response.headers["Location"] == f"{page}?done=resolved"
    text = await (await client.get(response.headers["Location"])).text()
    assert "这条预警已处理" in text and "经入户核实，已停发" in text and "已暂停或停止待遇" in text
    response = await post_form(client, f"{page}/resolve", csrf, outcome_code="no_change",
                               outcome_text="再次提交")
    assert response.status == 409
    assert "没有符合条件的预警" in await (await client.get("/console/monitoring")).text()  # open only
    assert here.case_no in await (await client.get("/console/monitoring", params={"status": ""})).text()

    response = await client.get("/api/v1/monitoring/alerts", params={"district": "江北区"}, headers=city)
    jiangbei_id = (await response.json())["items"][0]["id"]
    response = await client.get(f"/console/monitoring/alerts/{jiangbei_id}")
    assert response.status == 404
