"""The training data validates, the dialogue passes its story tests, and the trained NLU
understands colloquial requests."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.stack import ROOT, trained_model

ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}


def rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rasa", *args], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def model() -> Path:
    return trained_model()


def test_data_validates() -> None:
    result = rasa("data", "validate", "--domain", "bot/domain", "--data", "data", "--config",
                  "config.yml")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_story_tests_pass(model: Path, tmp_path: Path) -> None:
    result = rasa("test", "core", "--model", str(model), "--stories", "tests/test_stories.yml",
                  "--out", str(tmp_path), "--fail-on-prediction-errors")
    failed = tmp_path / "failed_test_stories.yml"
    assert result.returncode == 0, (failed.read_text() if failed.exists() else "") + \
        result.stderr[-3000:]


@pytest.fixture(scope="module")
def parse(model: Path) -> Any:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()
    yield lambda text: loop.run_until_complete(agent.parse_message(text))
    loop.close()


@pytest.mark.parametrize(("text", "intent"), [
    ("我想申请低包", "apply"),
    ("咋个申请低保嘛", "apply"),
    ("帮我妈申请特困", "apply|for_other"),  # both start the form in helper mode
    ("低保一个月能领好多钱", "ask_amount"),
    ("为啥子要填身份证", "ask_why_id"),
    ("我的低保批下来没得", "check_progress"),
    ("转人工", "request_human"),
    ("不申请了", "cancel"),
    ("把我儿子的收入改成三千", "change_member"),
    ("删掉我儿媳", "remove_member"),
    ("继续申请", "continue_application"),
])
def test_colloquial_intents(parse: Any, text: str, intent: str) -> None:
    assert parse(text)["intent"]["name"] in intent.split("|")


def test_type_entity_maps_typos_to_codes(parse: Any) -> None:
    entities = parse("我想申请特因")["entities"]
    assert {"entity": "assistance_type", "value": "tekun"}.items() <= next(
        e for e in entities if e["entity"] == "assistance_type").items()
