"""Console pages of monitoring and early warning (监测预警): the alert list with filters, one
alert with its resolve form, and uploading a cross-check file (streamed, like the API)."""

from __future__ import annotations

from aiohttp import BodyPartReader, web
from pydantic import ValidationError

from backend.api.common import path_int
from backend.api.staff_monitoring import alert_filters, import_upload, part_chunks
from backend.console.auth import (
    CSRF_FIELD,
    check_csrf,
    require_console_post,
    require_console_staff,
)
from backend.console.labels import AUDIT_LABELS
from backend.console.rendering import (
    DONE_MESSAGES,
    console_page,
    redirect,
    render,
    url,
    validation_message,
)
from backend.districts import DISTRICTS
from backend.errors import InvalidInput, NotFound
from backend.keys import DB
from backend.schemas_monitoring import AlertResolution
from backend.services.monitoring import alerts as alert_service
from backend.services.monitoring.records import FACT_LABELS, KIND_NAMES, describe_layouts
from backend.services.monitoring.rules import ACTION_NAMES, GROUP_NAMES, OUTCOMES
from backend.views_monitoring import alert_view, import_view

routes = web.RouteTableDef()
PAGE_SIZE = 100
DONE_MESSAGES.update({"resolved": "这条预警已处理"})
AUDIT_LABELS.update({"monitoring.alert.read": "查看监测预警", "monitoring.alert.resolve": "处理监测预警"})

# The choices of the filter form, as staff read them.
CHOICES = {
    "status": {"open": "待处理", "resolved": "已处理"},
    "kind": {kind.value: name for kind, name in KIND_NAMES.items()},
    "action": ACTION_NAMES,
    "group": {group.value: name for group, name in GROUP_NAMES.items()},
    "priority": {"high": "紧急", "normal": "普通"},
}


def _alert_id(request: web.Request) -> int:
    return path_int(request, "alert_id", error=NotFound("没有找到这条预警", code="alert_not_found"))


@routes.get("/console/monitoring", name="console_monitoring")
@console_page
async def alert_list(request: web.Request) -> web.StreamResponse:
    """Staff console: monitoring alerts of the user's 区县, open first, with filters."""
    query = {"status": "open", **request.query} if "status" not in request.query else dict(request.query)
    filters = alert_filters(query)
    try:
        offset = max(int(request.query.get("offset", "0")), 0)
    except ValueError as exc:
        raise InvalidInput("页码不对", code="bad_filter") from exc
    async with request.app[DB].begin() as session:
        staff = await require_console_staff(request, session)
        rows, total = await alert_service.list_alerts(session=session, staff=staff, filters=filters,
                                                      limit=PAGE_SIZE, offset=offset)
        alerts = [alert_view(alert, case_no) for alert, case_no in rows]
    return render(request, "monitoring_alerts.html", {
        "alerts": alerts, "total": total, "offset": offset, "page_size": PAGE_SIZE,
        "chosen": query, "choices": CHOICES, "districts": DISTRICTS})


@routes.get("/console/monitoring/alerts/{alert_id}", name="console_monitoring_alert")
@console_page
async def alert_page(request: web.Request) -> web.StreamResponse:
    """Staff console: one alert and the form that resolves it."""
    async with request.app[DB].begin() as session:
        staff = await require_console_staff(request, session)
        alert, case_no = await alert_service.get_alert(session=session, staff=staff,
                                                       alert_id=_alert_id(request))
        view = alert_view(alert, case_no)
    return render(request, "monitoring_alert.html", {"alert": view, "outcomes": OUTCOMES,
                                                     "fact_labels": FACT_LABELS, "form": {}, "error": None})


@routes.post("/console/monitoring/alerts/{alert_id}/resolve", name="console_monitoring_resolve")
@console_page
async def resolve(request: web.Request) -> web.StreamResponse:
    """Staff console: resolve an alert (form post)."""
    alert_id = _alert_id(request)
    async with request.app[DB].begin() as session:
        staff, form = await require_console_post(request, session)
        given = {key: form.get(key, "").strip() for key in ("outcome_code", "outcome_text")}
        try:
            data = AlertResolution.model_validate({k: v for k, v in given.items() if v})
            await alert_service.resolve_alert(session=session, staff=staff, alert_id=alert_id,
                                              outcome_code=data.outcome_code,
                                              outcome_text=data.outcome_text)
        except ValidationError as exc:  # nothing written yet: show the form again
            alert, case_no = await alert_service.get_alert(session=session, staff=staff,
                                                           alert_id=alert_id)
            return render(request, "monitoring_alert.html", {
                "alert": alert_view(alert, case_no), "outcomes": OUTCOMES, "fact_labels": FACT_LABELS,
                "form": given,
                "error": validation_message(exc)}, status=422)
    return redirect(url(request, "console_monitoring_alert", {"done": "resolved"}, alert_id=alert_id))


async def _imports_page(request: web.Request, *, summary: dict[str, object] | None = None,
                        error: str | None = None, status: int = 200) -> web.Response:
    async with request.app[DB]() as session:
        staff = await require_console_staff(request, session)
        imports = [import_view(r) for r in await alert_service.recent_imports(session=session, staff=staff)]
    return render(request, "monitoring_imports.html", {
        "imports": imports, "layouts": describe_layouts(), "summary": summary, "error": error,
        "kind_names": CHOICES["kind"]}, status=status)


@routes.get("/console/monitoring/imports", name="console_monitoring_imports")
@console_page
async def imports(request: web.Request) -> web.StreamResponse:
    """Staff console: upload a cross-check file; the latest imports."""
    return await _imports_page(request)


@routes.post("/console/monitoring/imports", name="console_monitoring_upload")
@console_page
async def upload(request: web.Request) -> web.StreamResponse:
    """Staff console: import an uploaded file (multipart form: csrf_token, kind, then file)."""
    async with request.app[DB]() as session:
        staff = await require_console_staff(request, session)
    if request.content_type != "multipart/form-data":
        raise InvalidInput("请通过页面上的表单上传文件", code="bad_content_type")
    reader = await request.multipart()
    fields: dict[str, str] = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "file":
            check_csrf(request, fields)  # the token comes before the file in the form
            try:
                summary = await import_upload(request, staff, kind_text=fields.get("kind"),
                                              chunks=part_chunks(part), filename=part.filename)
            except InvalidInput as exc:  # a wrong kind or header: nothing imported
                return await _imports_page(request, error=exc.message, status=422)
            return await _imports_page(request, summary=summary.as_dict())
        if part.name in (CSRF_FIELD, "kind"):
            fields[part.name] = (await part.read_chunk(200)).decode("utf-8", "replace").strip()
    raise InvalidInput("没有收到文件，请选择要上传的 CSV 文件", code="file_required")
