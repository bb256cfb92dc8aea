"""Scaled out as the README says: two Rasa instances share a PostgreSQL tracker store and a
Redis lock store (bot/endpoints.scale.yml), so either can serve any message of a conversation.

Skipped, with the reason, where PostgreSQL or Redis is not running.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.e2e.stack import Stack, free_port, http_json

PG_URL = urlparse(os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))


def _connect(dbname: str | None = None):  # type: ignore[no-untyped-def]
    """psycopg2 (Rasa's own driver) to the test server: its admin database, or `dbname`."""
    import psycopg2

    connection = psycopg2.connect(host=PG_URL.hostname, port=PG_URL.port or 5432,
                                  user=PG_URL.username or "postgres", password=PG_URL.password or "",
                                  dbname=dbname or PG_URL.path.lstrip("/"))
    connection.autocommit = True
    return connection


@pytest.fixture(scope="module")
def tracker_db() -> Iterator[str]:
    """A fresh PostgreSQL database for the shared tracker store."""
    import psycopg2
    import redis

    try:
        admin = _connect()
    except psycopg2.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at TEST_POSTGRES_URL: {exc}".strip())
    try:
        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        admin.close()
        pytest.skip(f"Redis not reachable at {REDIS_HOST}:{REDIS_PORT}: {exc}")
    name = "tracker_e2e_" + secrets.token_hex(4)
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')  # a generated name, not user input
    try:
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="module")
def two_rasas(stack: Stack, model: Path, tracker_db: str) -> Iterator[tuple[str, str]]:
    env = {"TRACKER_DB_HOST": PG_URL.hostname or "127.0.0.1",
           "TRACKER_DB_PORT": str(PG_URL.port or 5432), "TRACKER_DB_NAME": tracker_db,
           "TRACKER_DB_USER": PG_URL.username or "postgres",
           "TRACKER_DB_PASSWORD": PG_URL.password or "",
           "REDIS_HOST": REDIS_HOST, "REDIS_PORT": str(REDIS_PORT), "REDIS_DB": "0"}
    urls = []
    try:
        for name in ("rasa-a", "rasa-b"):
            urls.append(stack.start_rasa(name, model, free_port(), "bot/endpoints.scale.yml", env))
        yield urls[0], urls[1]
    finally:
        for name in ("rasa-a", "rasa-b"):
            stack.stop_process(name)


def _say(rasa_url: str, sender: str, text: str) -> str:
    status, replies = http_json("POST", f"{rasa_url}/webhooks/rest/webhook",
                                {"sender": sender, "message": text})
    assert status == 200, replies
    return "\n".join(r.get("text", "") for r in replies)


def test_one_conversation_served_by_two_instances(two_rasas: tuple[str, str],
                                                   tracker_db: str) -> None:
    a, b = two_rasas
    sender = "scale-" + secrets.token_hex(6)
    _say(a, sender, "申请临时救助")
    assert "叫什么名字" in _say(b, sender, "给自己申请")  # B knows what A asked
    assert "身份证号" in _say(a, sender, "刘国强")  # and A what B asked

    # Two messages at once on the two instances: the Redis lock serialises them, and the
    # shared tracker keeps both.
    replies: list[str] = []
    threads = [threading.Thread(target=lambda url, text: replies.append(_say(url, sender, text)),
                                args=(url, text))
               for url, text in ((a, "为什么要身份证号"), (b, "低保一个月多少钱"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(replies) == 2 and all("身份证号" in r for r in replies)  # the form asks again

    conn = _connect(tracker_db)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' "
                           "ORDER BY id", (sender,))
            said = [json.loads(row[0])["text"] for row in cursor.fetchall()]
    finally:
        conn.close()
    assert said[:3] == ["申请临时救助", "给自己申请", "刘国强"]
    assert sorted(said[3:]) == sorted(["为什么要身份证号", "低保一个月多少钱"]), said
