"""AtomicRedisLockStore: tickets issued at once by several Rasa instances stay unique, where
Rasa's own RedisLockStore hands the same ticket out twice. Needs the Redis on this machine."""

from __future__ import annotations

import os
import secrets
import threading

import pytest
import redis
from rasa.core.lock_store import RedisLockStore

from bot.lock_store import AtomicRedisLockStore

HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))
INSTANCES, TICKETS = 4, 150


@pytest.fixture(scope="module", autouse=True)
def _redis() -> None:
    try:
        redis.Redis(host=HOST, port=PORT, socket_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis not reachable at {HOST}:{PORT}: {exc}")


def issue_concurrently(store_class: type[RedisLockStore]) -> list[int]:
    """Tickets for one conversation from several instances at once (one connection each)."""
    conversation = "lock-test-" + secrets.token_hex(6)
    stores = [store_class(host=HOST, port=PORT, db=0, key_prefix="locktest")
              for _ in range(INSTANCES)]
    issued: list[int] = []

    def work(store: RedisLockStore) -> None:
        for _ in range(TICKETS):
            issued.append(store.issue_ticket(conversation, lock_lifetime=60))

    threads = [threading.Thread(target=work, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stores[0].delete_lock(conversation)
    return issued


def test_concurrent_tickets_are_unique() -> None:
    issued = issue_concurrently(AtomicRedisLockStore)
    assert len(issued) == INSTANCES * TICKETS
    assert sorted(issued) == list(range(INSTANCES * TICKETS))


def test_rasa_redis_lock_store_is_not_safe_across_instances() -> None:
    """Why the project ships its own: the stock store's read-modify-write loses tickets."""
    issued = issue_concurrently(RedisLockStore)
    assert len(set(issued)) < len(issued)


def test_last_ticket_done_deletes_the_lock() -> None:
    store = AtomicRedisLockStore(host=HOST, port=PORT, db=0, key_prefix="locktest")
    conversation = "lock-test-" + secrets.token_hex(6)
    first = store.issue_ticket(conversation, lock_lifetime=60)
    second = store.issue_ticket(conversation, lock_lifetime=60)
    assert (first, second) == (0, 1)
    lock = store.get_lock(conversation)
    assert lock is not None and not lock.is_locked(first) and lock.is_locked(second)
    store.cleanup(conversation, first)
    lock = store.get_lock(conversation)
    assert lock is not None and not lock.is_locked(second)
    store.cleanup(conversation, second)
    assert store.get_lock(conversation) is None
