"""All three servers live on loopback: backend, action server and Rasa with the trained model."""

from __future__ import annotations

import base64
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
BACKEND_PY = ROOT / ".venv" / "backend" / "bin" / "python"
STAFF_PASSWORD = "e2e staff password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def trained_model() -> Path:
    result = subprocess.run([sys.executable, "scripts/train_model.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True, timeout=1800,
                            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"})
    return ROOT / result.stdout.strip().splitlines()[-1]


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up:\n{log.read_text(errors='replace')[-3000:]}")


@dataclass
class Stack:
    workdir: Path
    env: dict[str, str]
    backend_url: str = ""
    actions_url: str = ""
    rasa_url: str = ""
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    started_in: dict[str, float] = field(default_factory=dict)  # seconds until each answered
    logs: dict[str, IO[bytes]] = field(default_factory=dict)

    @classmethod
    def create(cls, workdir: Path) -> Stack:
        key = lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()  # noqa: E731
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false",
               "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
               "SERVICE_TOKEN": "e2e-" + secrets.token_hex(16),
               "ID_ENCRYPTION_KEY": key(), "ID_HASH_KEY": key(),
               "DATABASE_URL": f"sqlite:///{workdir / 'backend.sqlite3'}",
               "TRACKER_DB": str(workdir / "tracker.sqlite3")}
        return cls(workdir=workdir, env=env)

    def _start(self, name: str, args: list[str], ready_url: str, seconds: float,
               env: dict[str, str] | None = None) -> None:
        log_path = self.workdir / f"{name}.log"
        self.logs[name] = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        process = subprocess.Popen(args, cwd=ROOT, env=env or self.env, stdout=self.logs[name],
                                   stderr=subprocess.STDOUT)
        self.processes[name] = process
        began = time.monotonic()
        _wait(ready_url, process, log_path, seconds)
        self.started_in[name] = time.monotonic() - began

    def start_backend(self) -> None:
        port = int(self.backend_url.rsplit(":", 1)[1]) if self.backend_url else free_port()
        self.backend_url = f"http://127.0.0.1:{port}"
        self.env["BACKEND_URL"] = self.backend_url
        self._start("backend", [str(BACKEND_PY), "-m", "backend", "serve", "--port", str(port)],
                    f"{self.backend_url}/healthz", 60)

    def stop_backend(self) -> None:
        self._stop("backend")

    def start(self, model: Path) -> None:
        rasa_port = free_port()
        self.rasa_url = f"http://127.0.0.1:{rasa_port}"
        self.env["RASA_URL"] = self.rasa_url  # the web chat page relays to this Rasa
        self.start_backend()
        port = free_port()
        self.actions_url = f"http://127.0.0.1:{port}"
        self.env["ACTION_SERVER_URL"] = f"{self.actions_url}/webhook"
        self._start("actions", [sys.executable, "-m", "rasa_sdk", "--actions", "actions",
                                "--port", str(port)], f"{self.actions_url}/health", 120)
        self.start_rasa("rasa", model, rasa_port)

    def start_rasa(self, name: str, model: Path, port: int, endpoints: str = "bot/endpoints.yml",
                   env: dict[str, str] | None = None) -> str:
        """One Rasa server (more than one for the scale-out test); returns its URL."""
        url = f"http://127.0.0.1:{port}"
        self._start(name, [sys.executable, "-m", "rasa", "run", "--model", str(model),
                           "--endpoints", endpoints, "--credentials", "bot/credentials.yml",
                           "--port", str(port), "--interface", "127.0.0.1"], f"{url}/", 300,
                    env={**self.env, **(env or {})})
        return url

    def stop_process(self, name: str) -> None:
        self._stop(name)

    def backend_cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(BACKEND_PY), "-m", "backend", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=120, check=True)

    def _stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if name in self.logs:
            self.logs.pop(name).close()

    def stop(self) -> None:
        for name in list(self.processes):
            self._stop(name)

    def log(self, name: str) -> str:
        return (self.workdir / f"{name}.log").read_text(errors="replace")


def http_json(method: str, url: str, body: Any = None,
              headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """One JSON request with the standard library; errors come back as (status, body)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json",
                                              **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")
