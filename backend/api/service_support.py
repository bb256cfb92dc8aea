"""Service API: escalations to staff (and their replies) and eligibility pre-checks."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from backend.api.common import read_model, require_service, run_write
from backend.api.service_cases import PREFIX
from backend.errors import InvalidInput
from backend.models import EligibilityPrecheck
from backend.schemas import EscalationIn, PrecheckIn
from backend.services import cases as case_service
from backend.services import escalations as escalation_service
from backend.views import escalation_view

routes = web.RouteTableDef()


@routes.post(PREFIX + "/escalations", name="service_create_escalation")
async def create_escalation(request: web.Request) -> web.Response:
    require_service(request)
    data = await read_model(request, EscalationIn)

    async def write(session: AsyncSession) -> tuple[int, object]:
        escalation = await escalation_service.create_escalation(session=session, data=data)
        return 201, escalation_view(escalation)

    return await run_write(request, write, principal="service")


@routes.post(PREFIX + "/escalations/inbox", name="service_escalation_inbox")
async def inbox(request: web.Request) -> web.Response:
    """A chat user's escalations; replies returned here are marked as delivered."""
    require_service(request)
    channel_user = request.query.get("channel_user", "").strip()
    if not channel_user:
        raise InvalidInput("缺少 channel_user 参数", code="channel_user_required")

    async def write(session: AsyncSession) -> tuple[int, object]:
        rows = await escalation_service.escalations_of_chat_user(
            session=session, channel_user=channel_user, mark_delivered=True)
        return 200, {"items": [escalation_view(e) for e in rows]}

    return await run_write(request, write, principal="service")


@routes.post(PREFIX + "/prechecks", name="service_record_precheck")
async def record_precheck(request: web.Request) -> web.Response:
    require_service(request)
    data = await read_model(request, PrecheckIn)

    async def write(session: AsyncSession) -> tuple[int, object]:
        case_id = None
        if data.case_no:
            case = await case_service.get_case_for_chat(session=session, case_no=data.case_no,
                                                        channel_user=data.channel_user)
            case_id = case.id
        row = EligibilityPrecheck(channel_user=data.channel_user, case_id=case_id,
                                  inputs=data.inputs, result=data.result)
        session.add(row)
        await session.flush()
        return 201, {"id": row.id, "created_at": row.created_at.isoformat()}

    return await run_write(request, write, principal="service")
