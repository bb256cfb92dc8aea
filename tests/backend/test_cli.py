"""`python -m backend ...` as an operator runs it: migrate, staff create, cases export."""

from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from backend.app import create_app
from backend.settings import Settings
from tests.backend.factories import complete_case
from tests.backend.helpers import BASE

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    key = lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()  # noqa: E731
    return {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
            "SERVICE_TOKEN": "cli-token-" + secrets.token_hex(8),
            "ID_ENCRYPTION_KEY": key(), "ID_HASH_KEY": key()}


def backend(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "backend", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_refuses_to_start_without_secrets(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SERVICE_TOKEN", "ID_ENCRYPTION_KEY", "ID_HASH_KEY")}
    env["SERVICE_TOKEN"] = "changeme"
    result = subprocess.run([sys.executable, "-c",
                             "from pathlib import Path; from backend.settings import Settings;"
                             "Settings.from_env(env_file=Path('/nonexistent'))"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SERVICE_TOKEN is missing or a placeholder" in result.stderr


async def test_migrate_staff_create_and_export(cli_env: dict[str, str], aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    assert backend(cli_env, "migrate").returncode == 0
    created = backend(cli_env, "staff", "create", "--username", "yuzhong", "--password",
                      "a long password", "--district", "渝中区")
    assert created.returncode == 0, created.stderr
    duplicate = backend(cli_env, "staff", "create", "--username", "yuzhong", "--password",
                        "a long password", "--district", "渝中区")
    assert duplicate.returncode == 1
    assert "已经存在" in duplicate.stderr
    assert backend(cli_env, "staff", "create", "--username", "city", "--password",
                   "a long password", "--role", "city").returncode == 0

    settings = Settings.from_env(cli_env, env_file=Path("/nonexistent"))
    client: TestClient = await aiohttp_client(create_app(settings))
    body = complete_case()
    headers = {"Authorization": f"Bearer {cli_env['SERVICE_TOKEN']}"}
    case = await (await client.post(f"{BASE}/cases", json=body, headers=headers)).json()
    await client.post(f"{BASE}/drafts", json={"channel_user": "x"}, headers=headers)
    login = await client.post("/api/v1/staff/login",
                              json={"username": "yuzhong", "password": "a long password"})
    assert login.status == 200

    exported = backend(cli_env, "cases", "export")
    assert exported.returncode == 0, exported.stderr
    lines = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [c["case_no"] for c in lines] == [case["case_no"]]  # drafts are not exported
    assert lines[0]["applicant"]["name"] == "王秀英"
    assert body["applicant_id_number"] not in exported.stdout
    assert "id_number" not in lines[0]["applicant"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(server: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                assert json.load(response)["status"] == "ok"
                return
        except OSError:
            assert server.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not answer in time"
            time.sleep(0.2)


def test_serve_workers_share_the_port_and_stop_together(cli_env: dict[str, str]) -> None:
    children_file = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    if not children_file.exists():
        pytest.skip("needs Linux /proc children lists")
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "backend", "serve", "--port", str(port),
                               "--workers", "2"], cwd=ROOT, env=cli_env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_healthy(server, port)
        workers = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        assert len(workers) == 2
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
