"""Staff API: login, case list, the (audited) case page, and status transitions."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.api.common import (
    json_response,
    page_params,
    read_model,
    require_staff,
    run_write,
    staff_principal,
)
from backend.errors import InvalidInput
from backend.keys import CIPHER, DB, SETTINGS
from backend.lifecycle import AssistanceType, CaseStatus
from backend.models import Case
from backend.schemas import StaffLogin, TransitionIn
from backend.services import case_review
from backend.services import cases as case_service
from backend.services import staff as staff_service
from backend.views import case_list_item, case_view

routes = web.RouteTableDef()


@routes.post("/api/v1/staff/login", name="staff_login")
async def login(request: web.Request) -> web.Response:
    data = await read_model(request, StaffLogin)
    settings = request.app[SETTINGS]
    hours = settings.staff_token_hours
    async with request.app[DB]() as session:
        try:
            token = await staff_service.login(
                session=session, username=data.username, password=data.password,
                valid_for=timedelta(hours=hours), max_failures=settings.login_max_failures,
                window=timedelta(minutes=settings.login_window_minutes))
        finally:
            await session.commit()  # a failed attempt counts towards the limit
    return json_response({"token": token, "expires_in": hours * 3600})


def _case_filters(request: web.Request) -> list[object]:
    filters: list[object] = []
    query = request.query
    if status := query.get("status"):
        if status not in {s.value for s in CaseStatus}:
            raise InvalidInput("status 不是有效的案件状态", code="bad_filter")
        filters.append(Case.status == status)
    if kind := query.get("assistance_type"):
        if kind not in {t.value for t in AssistanceType}:
            raise InvalidInput("assistance_type 不是有效的救助类型", code="bad_filter")
        filters.append(Case.assistance_type == kind)
    if district := query.get("district"):
        filters.append(Case.district == district)
    return filters


@routes.get("/api/v1/cases", name="staff_cases")
async def list_cases(request: web.Request) -> web.Response:
    limit, offset = page_params(request)
    async with request.app[DB]() as session:
        staff = await require_staff(request, session)
        conditions = [*_case_filters(request),
                      staff_service.district_filter(staff, Case.district),
                      Case.status != CaseStatus.DRAFT.value]
        total = await session.scalar(select(func.count()).select_from(Case).where(*conditions))
        rows = await session.scalars(select(Case).where(*conditions)
                                     .order_by(Case.id.desc()).limit(limit).offset(offset))
        items = [case_list_item(c) for c in rows]
    return json_response({"items": items, "total": total or 0})


@routes.get("/api/v1/cases/{case_no}", name="staff_case")
async def get_case(request: web.Request) -> web.Response:
    """The full case for an authorised staff user: the only view with whole numbers. Audited."""
    async with request.app[DB].begin() as session:
        staff = await require_staff(request, session)
        case = await case_service.get_case(session=session, case_no=request.match_info["case_no"])
        staff_service.ensure_case_visible(staff, case)
        staff_service.audit(session=session, staff=staff, action="case.read", case=case)
        view = case_view(case, reveal_with=request.app[CIPHER])
    return json_response(view)


@routes.post("/api/v1/cases/{case_no}/transitions", name="staff_transition")
async def transition(request: web.Request) -> web.Response:
    data = await read_model(request, TransitionIn)

    async def write(session: AsyncSession) -> tuple[int, object]:
        staff = await require_staff(request, session)
        case = await case_review.transition_case(
            session=session, staff=staff, case_no=request.match_info["case_no"],
            target=data.to, reason=data.reason, settings=request.app[SETTINGS])
        return 200, case_view(case)

    return await run_write(request, write, principal=staff_principal(request))
