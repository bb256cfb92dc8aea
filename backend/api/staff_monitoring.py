"""Staff API of monitoring and early warning (监测预警): cross-check file uploads, the
alert list (own 区县, open first) and resolving an alert. Every action is audited."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from urllib.parse import unquote

from aiohttp import BodyPartReader, web
from sqlalchemy.ext.asyncio import AsyncSession

from backend.api.common import (
    json_response,
    page_params,
    path_int,
    read_model,
    require_staff,
    run_write,
    staff_principal,
)
from backend.errors import InvalidInput, TooLarge
from backend.keys import CIPHER, DB, SETTINGS
from backend.models import StaffUser
from backend.schemas_monitoring import AlertResolution
from backend.services import staff as staff_service
from backend.services.monitoring import alerts as alert_service
from backend.services.monitoring.importer import ImportSummary, import_records
from backend.services.monitoring.records import KIND_NAMES, RecordKind, describe_layouts
from backend.services.monitoring.rules import ACTION_NAMES, OUTCOMES, PersonGroup
from backend.views_monitoring import alert_view, import_view

routes = web.RouteTableDef()

UPLOAD_CHUNK_BYTES = 1 << 16
CSV_TYPES = {"text/csv", "text/plain", "application/octet-stream"}


def _kind(value: str | None) -> RecordKind:
    try:
        return RecordKind(value or "")
    except ValueError as exc:
        names = "、".join(f"{k.value}（{KIND_NAMES[k]}）" for k in RecordKind)
        raise InvalidInput(f"kind 应为：{names}", code="bad_kind") from exc


@routes.get("/api/v1/monitoring/layouts", name="staff_monitoring_layouts")
async def layouts(request: web.Request) -> web.Response:
    """The kinds of cross-check file and the header row each must have."""
    async with request.app[DB]() as session:
        await require_staff(request, session)
    return json_response({"kinds": describe_layouts(), "outcomes": OUTCOMES, "actions": ACTION_NAMES})


def _too_large(limit: int) -> TooLarge:
    return TooLarge(f"文件太大：网页和接口上传不超过 {limit // (1024 * 1024)} MB，"
                    "请拆成几个文件上传（重复导入不会产生重复预警）", code="upload_too_large")


async def _capped(chunks: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    received = 0
    async for chunk in chunks:
        received += len(chunk)
        if received > limit:
            raise _too_large(limit)
        yield chunk


async def part_chunks(part: BodyPartReader) -> AsyncIterator[bytes]:
    """The bytes of one multipart part, as they arrive."""
    while chunk := await part.read_chunk(UPLOAD_CHUNK_BYTES):
        yield chunk


async def import_upload(request: web.Request, staff: StaffUser, *, kind_text: str | None,
                        chunks: AsyncIterator[bytes], filename: str | None) -> ImportSummary:
    """Run an uploaded file through the importer and audit it; for the API and the console.

    District staff match their own 区县's monitored people only, so an upload cannot be used
    to learn whether someone is monitored elsewhere. An upload larger than
    MONITORING_UPLOAD_MAX_MB is refused: before anything is read when it says its size, else
    when the limit is passed (the batches before it stay imported; a second import of the
    same rows makes no duplicates). The CLI has no limit.
    """
    limit = request.app[SETTINGS].monitoring_upload_max_mb * 1024 * 1024
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    summary = await import_records(
        db=request.app[DB], cipher=request.app[CIPHER], kind=_kind(kind_text),
        chunks=_capped(chunks, limit),
        filename=filename, source="api", staff_id=staff.id,
        district=None if staff.role == "city" else staff.district)
    async with request.app[DB].begin() as session:
        counts = {k: v for k, v in summary.as_dict().items() if k != "bad_row_samples"}
        staff_service.audit(session=session, staff=staff, action="monitoring.import",
                            detail=json.dumps(counts, ensure_ascii=False))
    return summary


async def _api_upload(request: web.Request, staff: StaffUser) -> ImportSummary:
    kind_text = request.query.get("kind")
    filename: str | None = request.query.get("filename")
    if request.content_type in CSV_TYPES:
        return await import_upload(request, staff, kind_text=kind_text, filename=filename,
                                   chunks=request.content.iter_chunked(UPLOAD_CHUNK_BYTES))
    if request.content_type != "multipart/form-data":
        raise InvalidInput("请以 text/csv 或 multipart/form-data 上传 CSV 文件", code="bad_content_type")
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "kind":
            kind_text = (await part.read_chunk(100)).decode("utf-8", "replace").strip()
        elif part.name == "file":
            filename = unquote(part.filename) if part.filename else filename  # some clients %-encode
            return await import_upload(request, staff, kind_text=kind_text, filename=filename,
                                       chunks=part_chunks(part))
    raise InvalidInput("没有收到文件（表单字段 file）", code="file_required")


@routes.post("/api/v1/monitoring/imports", name="staff_monitoring_import")
async def upload(request: web.Request) -> web.Response:
    """Import a cross-check CSV file (`?kind=deaths|detention|new_members|disability|marriage`).

    The body is the CSV itself (`text/csv`) or a form upload (`multipart/form-data`, field
    `file`, optionally a `kind` field first). Streamed; importing the same file again makes
    no new alerts. District staff match their own 区县's monitored people only.
    """
    async with request.app[DB]() as session:
        staff = await require_staff(request, session)
    summary = await _api_upload(request, staff)
    return json_response(summary.as_dict(), status=201)


@routes.get("/api/v1/monitoring/imports", name="staff_monitoring_imports")
async def list_imports(request: web.Request) -> web.Response:
    """The latest imports with their counts."""
    async with request.app[DB]() as session:
        staff = await require_staff(request, session)
        rows = await alert_service.recent_imports(session=session, staff=staff)
        items = [import_view(r) for r in rows]
    return json_response({"items": items})


def alert_filters(query: dict[str, str] | web.Request) -> alert_service.AlertFilters:
    """The filters of the alert list from query parameters; unknown values are refused."""
    params = query.query if isinstance(query, web.Request) else query
    allowed = {
        "status": set(alert_service.STATUSES), "kind": {k.value for k in RecordKind},
        "action": set(ACTION_NAMES), "group": {g.value for g in PersonGroup},
        "priority": {"high", "normal"},
    }
    values: dict[str, str | None] = {}
    for name, choices in allowed.items():
        value = params.get(name) or None
        if value is not None and value not in choices:
            raise InvalidInput(f"{name} 不是有效的筛选值", code="bad_filter")
        values[name] = value
    return alert_service.AlertFilters(**values, district=params.get("district") or None,
                                      case_no=params.get("case_no") or None)


@routes.get("/api/v1/monitoring/alerts", name="staff_monitoring_alerts")
async def list_alerts(request: web.Request) -> web.Response:
    """Alerts of the user's 区县 (all for the city role): open first, then urgent, newest first.

    Filters: status, kind, action, group, priority, district, case_no; limit, offset.
    """
    filters = alert_filters(request)
    limit, offset = page_params(request)
    async with request.app[DB].begin() as session:
        staff = await require_staff(request, session)
        rows, total = await alert_service.list_alerts(session=session, staff=staff,
                                                      filters=filters, limit=limit, offset=offset)
        items = [alert_view(alert, case_no) for alert, case_no in rows]
    return json_response({"items": items, "total": total})


def _alert_id(request: web.Request) -> int:
    return path_int(request, "alert_id", error=InvalidInput("预警编号不对", code="bad_alert_id"))


@routes.post("/api/v1/monitoring/alerts/{alert_id}/resolve", name="staff_monitoring_resolve")
async def resolve(request: web.Request) -> web.Response:
    """Close an open alert with an outcome code and what was found or done."""
    data = await read_model(request, AlertResolution)
    alert_id = _alert_id(request)

    async def write(session: AsyncSession) -> tuple[int, object]:
        staff = await require_staff(request, session)
        alert, case_no = await alert_service.resolve_alert(
            session=session, staff=staff, alert_id=alert_id, outcome_code=data.outcome_code,
            outcome_text=data.outcome_text)
        return 200, alert_view(alert, case_no)

    return await run_write(request, write, principal=staff_principal(request))
