"""Certificates (救助证明): issued to the chat of an approved case, downloaded as a PDF with
Chinese text that reads back, verified publicly by code without revealing personal data."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from pypdf import PdfReader
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import Case, Certificate
from backend.models.base import utcnow
from backend.services.certificates import normalise_code
from tests.backend.conftest import staff_token
from tests.backend.factories import complete_case, make_id
from tests.backend.helpers import submit_complete_case
from tests.backend.recipient_steps import approved_case

Db = async_sessionmaker[AsyncSession]
BASE = "/api/v1/service"
CODE = re.compile(r"^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){3}$")


async def _issue(client: TestClient, service: dict[str, str], channel_user: str = "chat-1",
                 **body: Any) -> Any:
    return await client.post(f"{BASE}/certificates", json={"channel_user": channel_user, **body},
                             headers=service)


async def _approved_with_certificate(client: TestClient, db: Db, service: dict[str, str],
                                     id_number: str) -> tuple[dict[str, Any], dict[str, Any]]:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    case = await approved_case(client, service, staff, applicant_id_number=id_number)
    response = await _issue(client, service)
    assert response.status == 201, await response.text()
    return case, await response.json()


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


async def test_certificate_pdf_carries_the_chinese_text_and_the_masked_id(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    id_number = make_id("19580312")
    case, issued = await _approved_with_certificate(client, db, service_headers, id_number)
    assert CODE.match(issued["code"])
    assert issued["case_no"] == case["case_no"]
    assert issued["assistance_type_name"] == "最低生活保障（低保）"
    assert issued["holder_name_masked"] == "王*英"
    approved_on = next(e["at"] for e in case["events"] if e["to"] == "approved")[:10]
    assert issued["approved_on"] == approved_on

    url = issued["download_url"]
    assert url.startswith("http://") and "/certificates/download/" in url
    response = await client.get(url[url.index("/certificates/"):])
    assert response.status == 200
    assert response.content_type == "application/pdf"
    data = await response.read()
    assert data.startswith(b"%PDF")
    assert b"/FontFile2" in data  # a TrueType font program is embedded, not a system font name
    text = _pdf_text(data)
    assert "社会救助证明" in text
    assert "最低生活保障（低保）" in text
    assert "渝中区" in text
    assert "王秀英" in text  # the holder's own document names them
    assert id_number[:3] + "*" * 11 + id_number[-4:] in text
    assert id_number not in text
    assert issued["code"] in text
    year, month, day = (int(p) for p in approved_on.split("-"))
    assert f"{year}年{month}月{day}日" in text


async def test_only_an_approved_case_of_this_chat_gets_a_certificate(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    submitted = await submit_complete_case(client, service_headers)
    response = await _issue(client, service_headers)
    assert response.status == 409
    assert (await response.json())["error"]["code"] == "no_approved_case"
    response = await _issue(client, service_headers, case_no=submitted["case_no"])
    assert response.status == 409
    assert "还没有批准" in (await response.json())["error"]["message"]

    staff = await staff_token(client, db, "yuzhong", "渝中区")
    approved = await approved_case(client, service_headers, staff)
    response = await _issue(client, service_headers, channel_user="someone-else")
    assert response.status == 409
    response = await _issue(client, service_headers, channel_user="someone-else",
                            case_no=approved["case_no"])
    assert response.status == 404  # another chat's case does not exist for this one


async def test_a_retried_request_does_not_issue_a_second_certificate(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    await approved_case(client, service_headers, staff)
    headers = {**service_headers, "Idempotency-Key": "cert-once"}
    first = await (await _issue(client, headers)).json()
    second = await (await _issue(client, headers)).json()
    assert first["code"] == second["code"]
    async with db() as session:
        assert len((await session.scalars(select(Certificate))).all()) == 1


async def test_verify_genuine_unknown_expired_and_revoked(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    id_number = make_id("19580312")
    case, issued = await _approved_with_certificate(client, db, service_headers, id_number)
    code = issued["code"]

    response = await client.get(f"/api/v1/public/certificates/{code}")
    assert response.status == 200
    raw = await response.text()
    view = await response.json()
    assert view["genuine"] is True and view["valid"] is True and view["status"] == "valid"
    assert view["holder_name_masked"] == "王*英"
    assert (view["assistance_type_name"], view["district"]) == ("最低生活保障（低保）", "渝中区")
    body = complete_case()
    for secret in (id_number, id_number[-4:], "王秀英", case["case_no"], body["address"],
                   body["street"], body["applicant_phone"]):
        assert secret not in raw
    # Typed in lower case with spaces, it is the same code.
    typed = code.lower().replace("-", " ")
    assert normalise_code(typed) == code
    assert (await client.get(f"/api/v1/public/certificates/{typed}")).status == 200

    response = await client.get("/api/v1/public/certificates/ABCD-EFGH-JKMN-PQRS")
    assert response.status == 404
    assert (await response.json())["error"]["code"] == "certificate_not_found"
    assert (await client.get("/api/v1/public/certificates/not-a-code")).status == 404

    async with db.begin() as session:
        await session.execute(update(Certificate).where(Certificate.code == code)
                              .values(valid_until=utcnow().date() - timedelta(days=1)))
    view = await (await client.get(f"/api/v1/public/certificates/{code}")).json()
    assert (view["genuine"], view["valid"], view["status"]) == (True, False, "expired")

    async with db.begin() as session:
        await session.execute(update(Certificate).where(Certificate.code == code)
                              .values(valid_until=utcnow().date() + timedelta(days=30)))
        await session.execute(update(Case).where(Case.case_no == case["case_no"])
                              .values(status="rejected"))
    view = await (await client.get(f"/api/v1/public/certificates/{code}")).json()
    assert (view["genuine"], view["valid"], view["status"]) == (True, False, "revoked")
    assert "失效" in view["status_text"]


async def test_verify_page(client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    id_number = make_id("19580312")
    _case, issued = await _approved_with_certificate(client, db, service_headers, id_number)
    response = await client.get("/verify", params={"code": issued["code"]})
    assert response.status == 200
    html = await response.text()
    assert "真实有效" in html and "王*英" in html and "最低生活保障（低保）" in html
    assert id_number[-4:] not in html and "王秀英" not in html
    response = await client.get("/verify", params={"code": "ABCD-EFGH-JKMN-PQRS"})
    assert response.status == 404
    assert "没有找到这个验证码" in await response.text()
    response = await client.get("/verify", params={"code": "<script>x</script>"})
    assert "<script>x" not in await response.text()
    assert (await client.get("/verify")).status == 200  # the empty form


async def test_download_link_expires_and_closes_when_the_case_is_no_longer_approved(
        client: TestClient, db: Db, service_headers: dict[str, str]) -> None:
    case, issued = await _approved_with_certificate(client, db, service_headers, make_id())
    path = issued["download_url"][issued["download_url"].index("/certificates/"):]
    assert (await client.get(path + "x")).status == 404

    async with db.begin() as session:
        await session.execute(update(Case).where(Case.case_no == case["case_no"])
                              .values(status="withdrawn"))
    response = await client.get(path)
    assert response.status == 409
    assert "失效" in await response.text()

    async with db.begin() as session:
        await session.execute(update(Case).where(Case.case_no == case["case_no"])
                              .values(status="approved"))
        await session.execute(update(Certificate).values(
            download_expires_at=utcnow() - timedelta(minutes=1)))
    response = await client.get(path)
    assert response.status == 410
    assert response.content_type == "text/html"
    assert "过期" in await response.text()
