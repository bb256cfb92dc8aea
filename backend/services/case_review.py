"""Staff moving a case through review: one function for the API and the console.

Features that react to a decision (certification schedules, linked benefits, public
notices) register an async hook in `STATUS_HOOKS`; each hook runs in the same
transaction as the transition, so a decision and its consequences land together.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from backend.lifecycle import Actor, CaseStatus
from backend.models import Case, CaseEvent, StaffUser
from backend.services import cases as case_service
from backend.services import staff as staff_service
from backend.services.transitions import apply_transition
from backend.settings import Settings

StatusHook = Callable[..., Awaitable[None]]
"""Called as `hook(session=..., case=..., event=..., staff=..., settings=...)` after a staff
transition."""

STATUS_HOOKS: list[StatusHook] = []


async def transition_case(*, session: AsyncSession, staff: StaffUser, case_no: str,
                          target: CaseStatus, reason: str | None, settings: Settings) -> Case:
    """Move a case the staff user may see to `target`, audited, then run the hooks."""
    case = await case_service.get_case(session=session, case_no=case_no)
    staff_service.ensure_case_visible(staff, case)
    event = apply_transition(case, target, actor=Actor.STAFF, actor_type="staff",
                             actor_name=staff.username, reason=reason)
    staff_service.audit(session=session, staff=staff, action="case.transition", case=case,
                        detail=target.value)
    await session.flush()
    await run_status_hooks(session=session, case=case, event=event, staff=staff,
                           settings=settings)
    return case


async def run_status_hooks(*, session: AsyncSession, case: Case, event: CaseEvent,
                           staff: StaffUser | None, settings: Settings) -> None:
    for hook in STATUS_HOOKS:
        await hook(session=session, case=case, event=event, staff=staff, settings=settings)
