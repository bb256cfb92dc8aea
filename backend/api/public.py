"""Public API, no token: verify a certificate, list the current notices of a district.

Nothing here reveals more than a masked name, the assistance type, the district and dates.
"""

from __future__ import annotations

from aiohttp import web

from backend.api.common import json_response
from backend.districts import DISTRICT_SET
from backend.errors import InvalidInput
from backend.keys import DB, SETTINGS
from backend.services import certificates as certificate_service
from backend.services import notices as notice_service
from backend.views_recipient_services import public_notice_view, verification_view

routes = web.RouteTableDef()
PREFIX = "/api/v1/public"


def district_param(request: web.Request) -> str:
    district = request.query.get("district", "").strip()
    if district not in DISTRICT_SET:
        raise InvalidInput("请给出重庆市的区县名称，例如 district=渝中区", code="bad_district")
    return district


@routes.get(PREFIX + "/certificates/{code}", name="public_verify_certificate")
async def verify_certificate(request: web.Request) -> web.Response:
    """Whether a certificate code is genuine and still valid (masked holder name only)."""
    async with request.app[DB]() as session:
        result = await certificate_service.verify(session=session,
                                                  code=request.match_info["code"])
        view = verification_view(result)
    return json_response(view)


@routes.get(PREFIX + "/notices", name="public_notices")
async def current_notices(request: web.Request) -> web.Response:
    """The approvals currently on public notice in one 区县."""
    district = district_param(request)
    settings = request.app[SETTINGS]
    async with request.app[DB]() as session:
        rows = await notice_service.current_notices(session=session, district=district,
                                                    notice_days=settings.notice_days)
        items = [public_notice_view(n, notice_days=settings.notice_days,
                                    show_amount=settings.show_amount_in_notice) for n in rows]
    return json_response({"district": district, "notice_days": settings.notice_days,
                          "items": items, "total": len(items)})
