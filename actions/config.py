"""The action server's settings, read once from the environment (and the local `.env`)."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.strip().partition("=")
            if sep and not key.startswith("#"):
                values[key.strip()] = value.strip().strip("'\"")
    return values


@dataclass(frozen=True)
class ActionSettings:
    backend_url: str  # where the case backend listens
    service_token: str  # bearer token for the backend's service API
    timeout_seconds: float = 8.0  # per backend request
    retries: int = 2  # extra attempts for a failed request (writes carry idempotency keys)


@functools.cache
def settings() -> ActionSettings:
    env = {**_env_file(PROJECT_ROOT / ".env"), **os.environ}
    return ActionSettings(
        backend_url=env.get("BACKEND_URL", "http://127.0.0.1:8000").rstrip("/"),
        service_token=env.get("SERVICE_TOKEN", ""),
        timeout_seconds=float(env.get("BACKEND_TIMEOUT_SECONDS", "8")),
    )
