"""Staff API: who is due, overdue or done with certification, and the open case tasks.

Importing this module (the app does) imports `backend.services.certification`, which
registers the approval hook that creates certification schedules.
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from backend.api.common import json_response, path_int, require_staff, run_write, staff_principal
from backend.errors import InvalidInput
from backend.keys import DB, SETTINGS
from backend.services import cases as case_service
from backend.services import certification
from backend.services import staff as staff_service
from backend.services.certification import CertificationPolicy
from backend.views_certification import record_view, schedule_view, task_view

routes = web.RouteTableDef()


def _int_query(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(request.query.get(name, str(default))), low), high)
    except ValueError as exc:
        raise InvalidInput(f"{name} 应为整数", code="bad_filter") from exc


@routes.get("/api/v1/certifications", name="staff_certifications")
async def list_certifications(request: web.Request) -> web.Response:
    """Recipients by certification state: ?state=due|overdue|done|upcoming (default due)."""
    policy = CertificationPolicy.from_settings(request.app[SETTINGS])
    state = request.query.get("state", "due")
    limit = _int_query(request, "limit", 50, 1, 500)
    offset = _int_query(request, "offset", 0, 0, 10**9)
    async with request.app[DB]() as session:
        staff = await require_staff(request, session)
        rows, total = await certification.list_for_staff(
            session=session, staff=staff, state=state, policy=policy,
            district=request.query.get("district") or None, limit=limit, offset=offset)
        items = [schedule_view(s, c, policy, for_staff=True) for s, c in rows]
    return json_response({"items": items, "total": total, "state": state})


@routes.get("/api/v1/cases/{case_no}/certifications", name="staff_case_certifications")
async def case_certifications(request: web.Request) -> web.Response:
    """A case's certification history with the answers given. Audited."""
    policy = CertificationPolicy.from_settings(request.app[SETTINGS])
    async with request.app[DB].begin() as session:
        staff = await require_staff(request, session)
        case = await case_service.get_case(session=session, case_no=request.match_info["case_no"])
        staff_service.ensure_case_visible(staff, case)
        staff_service.audit(session=session, staff=staff, action="certification.read", case=case)
        schedule = await certification.schedule_of_case(session=session, case=case)
        records = await certification.records_of_case(session=session, case=case)
        body = {"case_no": case.case_no,
                "schedule": schedule_view(schedule, case, policy, for_staff=True)
                if schedule else None,
                "records": [record_view(r) for r in records]}
    return json_response(body)


@routes.get("/api/v1/case-tasks", name="staff_case_tasks")
async def list_tasks(request: web.Request) -> web.Response:
    """Tasks on the cases of the staff user's 区县: ?status=open|done (default open)."""
    status = request.query.get("status", "open")
    async with request.app[DB]() as session:
        staff = await require_staff(request, session)
        rows = await certification.tasks_for_staff(session=session, staff=staff,
                                                   status=None if status == "all" else status)
        items = [task_view(t, c) for t, c in rows]
    return json_response({"items": items, "total": len(items)})


@routes.post("/api/v1/case-tasks/{task_id}/done", name="staff_case_task_done")
async def task_done(request: web.Request) -> web.Response:
    """Mark a task done. Audited."""
    task_id = path_int(request, "task_id", error=InvalidInput("任务编号不对", code="bad_task_id"))

    async def write(session: AsyncSession) -> tuple[int, object]:
        staff = await require_staff(request, session)
        task, case = await certification.complete_task(session=session, staff=staff,
                                                       task_id=task_id)
        return 200, task_view(task, case)

    return await run_write(request, write, principal=staff_principal(request))
