"""Moving a case between statuses, always through the one table in `lifecycle`."""

from __future__ import annotations

from backend.errors import Conflict
from backend.lifecycle import STATUS_DESCRIPTIONS, Actor, CaseStatus, can_transition
from backend.models import Case, CaseEvent
from backend.models.base import utcnow


def apply_transition(case: Case, target: CaseStatus, *, actor: Actor, actor_type: str,
                     actor_name: str, reason: str | None) -> CaseEvent:
    current = CaseStatus(case.status)
    if not can_transition(current, target, actor):
        raise Conflict(
            f"案件当前状态为“{STATUS_DESCRIPTIONS[current]}”，不能变更为“{STATUS_DESCRIPTIONS[target]}”",
            code="illegal_transition",
        )
    event = CaseEvent(kind="transition", from_status=current.value, to_status=target.value,
                      actor_type=actor_type, actor=actor_name, reason=reason)
    case.status = target.value
    case.updated_at = utcnow()
    case.events.append(event)
    return event
