"""No plain ID or phone number at rest, in service responses or in log lines."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import Applicant, StaffUser
from backend.settings import Settings
from tests.backend.conftest import staff_token
from tests.backend.factories import complete_case
from tests.backend.helpers import BASE

Db = async_sessionmaker[AsyncSession]


async def test_raw_database_holds_no_plain_id_or_phone(client: TestClient, db: Db,
                                                       settings: Settings,
                                                       service_headers: dict[str, str]) -> None:
    if not settings.is_sqlite:
        pytest.skip("reads the raw SQLite file")
    body = complete_case()
    response = await client.post(f"{BASE}/cases", json=body, headers=service_headers)
    assert response.status == 201
    await staff_token(client, db, "yuzhong", "渝中区")
    path = settings.database_url.split("///", 1)[1]
    sqlite3.connect(path).execute("PRAGMA wal_checkpoint(FULL)").close()
    raw = Path(path).read_bytes()  # noqa: ASYNC240
    for secret in (body["applicant_id_number"], body["applicant_phone"],
                   *(m["id_number"] for m in body["members"])):
        assert secret.encode() not in raw
    assert "王秀英".encode() in raw  # the file was really read


async def test_numbers_are_encrypted_and_hashed(client: TestClient, db: Db,
                                                service_headers: dict[str, str]) -> None:
    body = complete_case()
    await client.post(f"{BASE}/cases", json=body, headers=service_headers)
    async with db() as session:
        applicant = await session.scalar(select(Applicant))
        staff_rows = list(await session.scalars(select(StaffUser)))
    assert applicant is not None
    assert body["applicant_id_number"] not in (applicant.id_number_enc or "")
    assert len(applicant.id_number_hash or "") == 64
    assert applicant.id_number_masked == body["applicant_id_number"][:3] + "*" * 11 + \
        body["applicant_id_number"][-4:]
    assert staff_rows == []


async def test_service_views_and_logs_never_show_whole_numbers(
        client: TestClient, service_headers: dict[str, str],
        caplog: pytest.LogCaptureFixture) -> None:
    body = complete_case()
    caplog.set_level(logging.INFO, logger="backend.access")
    response = await client.post(f"{BASE}/cases", json=body, headers=service_headers)
    text = await response.text()
    case_no = json.loads(text)["case_no"]
    # A client that puts an ID number in a URL must not get it logged either.
    await client.get(f"{BASE}/cases/{body['applicant_id_number']}",
                     params={"channel_user": body["applicant_phone"]}, headers=service_headers)
    listed = await client.get(f"{BASE}/cases", params={"channel_user": "chat-1"},
                              headers=service_headers)
    everything = text + await listed.text() + caplog.text
    assert case_no in everything
    for secret in (body["applicant_id_number"], body["applicant_phone"],
                   *(m["id_number"] for m in body["members"])):
        assert secret not in everything
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "backend.access"]
    assert len(lines) == 3
    assert {"method", "path", "status", "ms", "request_id"} <= set(lines[0])


async def test_invalid_id_error_does_not_echo_the_number(
        client: TestClient, service_headers: dict[str, str]) -> None:
    bad = complete_case()["applicant_id_number"][:-1] + "0"
    bad = bad if bad != complete_case()["applicant_id_number"] else bad[:-1] + "1"
    response = await client.post(f"{BASE}/cases",
                                 json=complete_case(applicant_id_number=bad[:17] + "Y"),
                                 headers=service_headers)
    text = await response.text()
    assert response.status == 422
    assert bad[:17] not in text


async def test_access_log_hides_download_tokens_and_certificate_codes(
        client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="backend.access")
    await client.get("/certificates/download/SecretDownloadToken42")
    await client.get("/api/v1/public/certificates/SECRETCODEXYZ")
    paths = [json.loads(r.getMessage())["path"] for r in caplog.records
             if r.name == "backend.access"]
    assert paths == ["/certificates/download/{token}", "/api/v1/public/certificates/{code}"]
    assert "SecretDownloadToken42" not in caplog.text and "SECRETCODEXYZ" not in caplog.text
