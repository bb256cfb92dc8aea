"""One live stack per test session; conversations go through Rasa's REST channel."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.stack import STAFF_PASSWORD, Stack, http_json, trained_model


@pytest.fixture(scope="session")
def model() -> Path:
    return trained_model()


@pytest.fixture(scope="session")
def stack(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack.create(tmp_path_factory.mktemp("stack"))
    try:
        running.start(model)
        running.backend_cli("staff", "create", "--username", "city", "--password", STAFF_PASSWORD,
                            "--role", "city")
        yield running
    finally:
        running.stop()


class Chat:
    """One person typing into the REST channel."""

    def __init__(self, stack: Stack, sender: str | None = None) -> None:
        self.stack = stack
        self.sender = sender or "e2e-" + secrets.token_hex(6)
        self.transcript: list[tuple[str, list[str]]] = []

    def say(self, text: str) -> list[dict[str, Any]]:
        status, replies = http_json("POST", f"{self.stack.rasa_url}/webhooks/rest/webhook",
                                    {"sender": self.sender, "message": text})
        assert status == 200, replies
        self.transcript.append((text, [r.get("text", "") for r in replies]))
        if os.environ.get("E2E_VERBOSE"):
            print(f"\n> {text}\n" + "\n".join(f"< {r.get('text', '')}" for r in replies))
        return replies

    def text(self, message: str) -> str:
        """Say something and return all the bot's texts joined (for assertions)."""
        return "\n".join(r.get("text", "") for r in self.say(message))

    def buttons(self, message: str) -> list[str]:
        return [b["title"] for r in self.say(message) for b in r.get("buttons", [])]


@pytest.fixture
def chat(stack: Stack) -> Chat:
    return Chat(stack)


@pytest.fixture(scope="session")
def staff(stack: Stack) -> dict[str, str]:
    status, body = http_json("POST", f"{stack.backend_url}/api/v1/staff/login",
                             {"username": "city", "password": STAFF_PASSWORD})
    assert status == 200
    return {"Authorization": f"Bearer {body['token']}"}
