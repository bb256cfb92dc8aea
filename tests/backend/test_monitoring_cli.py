"""`python -m backend monitoring refresh | import` as an operator runs it."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from aiohttp.test_utils import TestClient
from sqlalchemy import delete

from backend.models import MonitoredPerson
from backend.services.monitoring.records import RecordKind
from backend.settings import Settings
from tests.backend.conftest import staff_token
from tests.backend.monitoring_steps import Db, csv_file, household, monitored

ROOT = Path(__file__).resolve().parents[2]
DAY = (date.today() - timedelta(days=3)).isoformat()


def backend(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    key = lambda raw: base64.urlsafe_b64encode(raw).decode()  # noqa: E731
    env = {**os.environ, "DATABASE_URL": settings.database_url, "SERVICE_TOKEN": settings.service_token,
           "ID_ENCRYPTION_KEY": key(settings.id_encryption_key), "ID_HASH_KEY": key(settings.id_hash_key)}
    return subprocess.run([sys.executable, "-m", "backend", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


async def test_cli_refresh_and_import(client: TestClient, db: Db, settings: Settings,
                                      service_headers: dict[str, str], tmp_path: Path) -> None:
    staff = await staff_token(client, db, "yuzhong", "渝中区")
    people = await household(client, service_headers, staff, assistance_type="tekun")
    async with db.begin() as session:
        await session.execute(delete(MonitoredPerson))

    refreshed = backend(settings, "monitoring", "refresh")
    assert refreshed.returncode == 0, refreshed.stderr
    assert json.loads(refreshed.stdout)["added"] == 3
    assert len(await monitored(db)) == 3

    path = tmp_path / "deaths.csv"
    path.write_bytes(csv_file(RecordKind.DEATHS, [[people.son, DAY], [people.son, "昨天"]]))
    first = backend(settings, "monitoring", "import", "--kind", "deaths", str(path))
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert (summary["rows_read"], summary["matched"], summary["alerts_created"]) == (2, 1, 1)
    assert summary["bad_row_samples"] == [
        {"line": 3, "reason": "死亡日期不是有效日期（应为 2026-03-02 这样的格式）"}]
    again = json.loads(backend(settings, "monitoring", "import", "--kind", "deaths", str(path)).stdout)
    assert (again["alerts_created"], again["duplicates"]) == (0, 1)
    assert people.son not in first.stdout + first.stderr

    missing = backend(settings, "monitoring", "import", "--kind", "deaths", str(tmp_path / "none.csv"))
    assert missing.returncode == 2
    wrong = backend(settings, "monitoring", "import", "--kind", "marriage", str(path))
    assert wrong.returncode == 1
    assert "表头" in wrong.stderr
