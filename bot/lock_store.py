"""A Redis lock store whose ticket changes are atomic, for several Rasa instances.

Rasa Open Source 3.6's ``RedisLockStore`` reads a conversation's ticket lock, changes it in
the process and writes it back. Two instances that receive messages of one conversation at
the same moment can both read the same lock, each write its own version, and then both
believe it is their turn: both load the tracker, and the SQL tracker store keeps only the
events of whichever saves first. ``tests/e2e/test_scale_out.py`` lost a message that way in
two runs of five.

Here every change (issue a ticket, drop expired ones, finish serving) is one optimistic
transaction (WATCH / MULTI / EXEC, retried on conflict), and the lock is deleted in the same
transaction that removes its last ticket. The waiting loop and the ticket rules are Rasa's.

Use it in endpoints.yml as ``lock_store: type: bot.lock_store.AtomicRedisLockStore`` with the
same keys as ``type: redis`` (``url`` is the host).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)
Result = TypeVar("Result")


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` with atomic read-modify-write of each conversation's lock."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # built by Rasa from endpoints.yml
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: str, change: Callable[[TicketLock], Result]) -> Result:
        """Apply `change` to the stored lock (a new one if none) in one transaction; the
        lock is deleted when no ticket is left."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = (TicketLock.from_dict(json.loads(stored)) if stored
                            else self.create_lock(conversation_id))
                    result = change(lock)
                    pipe.multi()
                    if lock.is_someone_waiting():
                        pipe.set(key, lock.dumps())
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    logger.debug("lock of a conversation changed meanwhile; retrying")

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime))
        except redis.RedisError as exc:
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def update_lock(self, conversation_id: str) -> None:
        self._change(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Removing the last ticket deletes the lock in the same transaction, so a ticket
        # issued in between by another instance is never deleted with it.
        self.finish_serving(conversation_id, ticket_number)
