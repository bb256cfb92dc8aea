"""Public pages, no login: certificate verification, the notices of a district, and the
certificate download behind the expiring link the chat hands out."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from aiohttp import web

from backend.districts import DISTRICT_SET, DISTRICTS
from backend.errors import DomainError
from backend.keys import DB, SETTINGS
from backend.models.base import utcnow
from backend.services import certificates as certificate_service
from backend.services import notices as notice_service
from backend.services.certificate_pdf import CertificateContent, render_certificate
from backend.views_recipient_services import public_notice_view, verification_view

routes = web.RouteTableDef()
_TEMPLATES = Path(__file__).parent / "templates"


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES),
                              autoescape=True, undefined=jinja2.StrictUndefined)


def page(name: str, status: int = 200, **context: Any) -> web.Response:
    html = _environment().get_template(name).render(**context)
    response = web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


@routes.get("/verify", name="public_verify_page")
async def verify_page(request: web.Request) -> web.Response:
    """Check a certificate by its code (?code=...): genuine, still valid, masked holder name."""
    code = request.query.get("code", "").strip()[:40]
    result = error = None
    status = 200
    if code:
        try:
            async with request.app[DB]() as session:
                result = verification_view(
                    await certificate_service.verify(session=session, code=code))
        except DomainError as exc:
            error, status = exc.message, exc.status
    return page("verify.html", status=status, title="救助证明核验", code=code, result=result,
                error=error)


@routes.get("/notices", name="public_notices_page")
async def notices_page(request: web.Request) -> web.Response:
    """The approvals currently on public notice in one 区县 (?district=渝中区)."""
    district = request.query.get("district", "").strip()
    settings = request.app[SETTINGS]
    items: list[dict[str, Any]] = []
    if district in DISTRICT_SET:
        async with request.app[DB]() as session:
            rows = await notice_service.current_notices(session=session, district=district,
                                                        notice_days=settings.notice_days)
            items = [public_notice_view(n, notice_days=settings.notice_days,
                                        show_amount=settings.show_amount_in_notice)
                     for n in rows]
    else:
        district = ""
    return page("notices.html", title="社会救助审批结果公示", districts=DISTRICTS,
                district=district, items=items, notice_days=settings.notice_days,
                show_amount=settings.show_amount_in_notice)


@routes.get("/certificates/download/{token}", name="public_certificate_download")
async def download_certificate(request: web.Request) -> web.StreamResponse:
    """The certificate PDF behind a link from the chat, while the link and the case are valid."""
    base = request.app[SETTINGS].public_url or str(request.url.origin())
    try:
        async with request.app[DB]() as session:
            certificate = await certificate_service.for_download(
                session=session, token=request.match_info["token"])
            content = CertificateContent(
                code=certificate.code, case_no=certificate.case.case_no,
                holder_name=certificate.holder_name,
                id_number_masked=certificate.id_number_masked,
                assistance_type=certificate.assistance_type, district=certificate.district,
                approved_on=certificate.approved_on, valid_until=certificate.valid_until,
                issued_on=certificate.created_at.date(),
                verify_url=f"{base}/verify?code={certificate.code}")
    except DomainError as exc:
        return page("message.html", status=exc.status, title="救助证明", message=exc.message)
    loop = asyncio.get_running_loop()
    pdf = await loop.run_in_executor(None, render_certificate, content)
    filename = quote(f"救助证明-{utcnow().date().isoformat()}.pdf")
    return web.Response(body=pdf, content_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=\"certificate.pdf\"; filename*=UTF-8''{filename}",
        "Cache-Control": "no-store"})
