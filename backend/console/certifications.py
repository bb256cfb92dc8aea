"""Console pages of eligibility certification: who is due, overdue or done, and the case
tasks (changes reported at a certification) to mark as handled."""

from __future__ import annotations

from aiohttp import web

from backend.api.common import path_int
from backend.console import labels
from backend.console.auth import require_console_post, require_console_staff
from backend.console.rendering import DONE_MESSAGES, console_page, redirect, render, url
from backend.errors import InvalidInput, NotFound
from backend.keys import DB, SETTINGS
from backend.services import certification
from backend.services.certification import STATE_NAMES, CertificationPolicy
from backend.views_certification import schedule_view, task_view

routes = web.RouteTableDef()
STATE_TABS = {"overdue": STATE_NAMES["overdue"], "due": STATE_NAMES["due"],
              "done": STATE_NAMES["done"], "upcoming": STATE_NAMES["upcoming"]}
TASK_TABS = {"open": "待处理", "done": "已处理"}
DONE_MESSAGES.update({"task_done": "这项任务已标记为处理完毕"})
labels.AUDIT_LABELS.update({"case_task.done": "处理案件任务", "certification.read": "查看资格认证"})


@routes.get("/console/certifications", name="console_certifications")
@console_page
async def certifications(request: web.Request) -> web.StreamResponse:
    """Staff console: recipients of this 区县 by certification state, overdue first."""
    tab = request.query.get("state", "overdue")
    if tab not in STATE_TABS:
        raise InvalidInput("没有这种认证状态", code="bad_filter")
    policy = CertificationPolicy.from_settings(request.app[SETTINGS])
    async with request.app[DB]() as session:
        staff = await require_console_staff(request, session)
        rows, total = await certification.list_for_staff(session=session, staff=staff,
                                                         state=tab, policy=policy, limit=200)
        items = [schedule_view(s, c, policy, for_staff=True) for s, c in rows]
    return render(request, "certifications.html", {
        "items": items, "total": total, "tab": tab, "tabs": STATE_TABS,
        "interval_days": policy.interval_days, "window_days": policy.due_window_days})


@routes.get("/console/case-tasks", name="console_case_tasks")
@console_page
async def case_tasks(request: web.Request) -> web.StreamResponse:
    """Staff console: tasks on this 区县's cases, such as changes reported at a certification."""
    tab = request.query.get("status", "open")
    if tab not in TASK_TABS:
        raise InvalidInput("没有这种任务状态", code="bad_filter")
    async with request.app[DB]() as session:
        staff = await require_console_staff(request, session)
        rows = await certification.tasks_for_staff(session=session, staff=staff, status=tab)
        tasks = [task_view(t, c) for t, c in rows]
    return render(request, "case_tasks.html", {"tasks": tasks, "tab": tab, "tabs": TASK_TABS})


@routes.post("/console/case-tasks/{task_id}/done", name="console_case_task_done")
@console_page
async def task_done(request: web.Request) -> web.StreamResponse:
    """Staff console: mark a case task as handled (audited)."""
    task_id = path_int(request, "task_id", error=NotFound("没有找到这项任务", code="task_not_found"))
    async with request.app[DB].begin() as session:
        staff, _form = await require_console_post(request, session)
        await certification.complete_task(session=session, staff=staff, task_id=task_id)
    return redirect(url(request, "console_case_tasks", {"done": "task_done"}))
