"""Action tests: saved tracker JSON, a CollectingDispatcher, and a real backend on loopback."""

from __future__ import annotations

import copy
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker

from actions import backend_client, config
from tests.e2e.stack import Stack

TRACKERS = Path(__file__).parent / "trackers"


@pytest.fixture(scope="session")
def backend_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack.create(tmp_path_factory.mktemp("actions-backend"))
    stack.start_backend()
    yield stack
    stack.stop()


def _point_actions_at(url: str, token: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKEND_URL", url)
    monkeypatch.setenv("SERVICE_TOKEN", token)
    monkeypatch.setenv("BACKEND_TIMEOUT_SECONDS", "2")
    config.settings.cache_clear()
    backend_client._client = None


@pytest.fixture
async def live_backend(backend_stack: Stack, monkeypatch: pytest.MonkeyPatch
                       ) -> Any:
    """Actions talk to the real backend started for this session."""
    _point_actions_at(backend_stack.backend_url, backend_stack.env["SERVICE_TOKEN"], monkeypatch)
    yield backend_stack
    await backend_client.backend().close()
    config.settings.cache_clear()
    backend_client._client = None


@pytest.fixture
async def switch_backend(backend_stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`switch(up=False)` points the actions at a port where nothing listens (backend down)."""

    async def switch(*, up: bool) -> None:
        if backend_client._client is not None:
            await backend_client.backend().close()
        if up:
            _point_actions_at(backend_stack.backend_url, backend_stack.env["SERVICE_TOKEN"],
                              monkeypatch)
        else:
            _point_actions_at("http://127.0.0.1:9", "nothing-listens", monkeypatch)

    yield switch
    await switch(up=True)
    await backend_client.backend().close()
    backend_client._client = None


def form_tracker(*, text: str, slots: dict[str, Any] | None = None,
                 set_slot: tuple[str, Any] | None = None, intent: str = "inform",
                 entities: list[dict[str, Any]] | None = None,
                 sender: str | None = None) -> Tracker:
    """The saved application-form tracker, with this user message and this slot candidate."""
    state = copy.deepcopy(json.loads((TRACKERS / "application_form.json").read_text()))
    state["sender_id"] = sender or f"test-{secrets.token_hex(6)}"
    state["slots"].update(slots or {})
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9},
             "entities": entities or []}
    state["latest_message"] = parse
    state["events"][-1].update(text=text, parse_data=parse)
    if set_slot:
        state["slots"][set_slot[0]] = set_slot[1]
        state["events"].append({"event": "slot", "name": set_slot[0], "value": set_slot[1]})
    return Tracker.from_dict(state)


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The real domain (slots and forms of every file in bot/domain), as Rasa sends it."""
    import yaml

    merged: dict[str, Any] = {"slots": {}, "forms": {}, "responses": {}}
    for path in sorted((Path(__file__).resolve().parents[2] / "bot" / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in merged:
            merged[key].update(part.get(key) or {})
    return merged
