"""Service API for the action server: certificates, linked benefits, objections to notices."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from backend.api.common import json_response, read_model, require_service, run_write
from backend.errors import InvalidInput
from backend.keys import CIPHER, DB, SETTINGS
from backend.lifecycle import ASSISTANCE_TYPE_NAMES, AssistanceType
from backend.privacy.id_numbers import mask_name
from backend.schemas_recipient_services import CertificateRequest, ObjectionIn
from backend.services import certificates as certificate_service
from backend.services import linked_benefits as benefit_service
from backend.services import notices as notice_service
from backend.views_recipient_services import benefit_view

routes = web.RouteTableDef()
PREFIX = "/api/v1/service"


def public_base(request: web.Request) -> str:
    """Where people reach the backend: PUBLIC_URL, else the origin this request came to."""
    return request.app[SETTINGS].public_url or str(request.url.origin())


@routes.post(PREFIX + "/certificates", name="service_issue_certificate")
async def issue_certificate(request: web.Request) -> web.Response:
    """A certificate of the chat user's approved case, with an expiring download link."""
    require_service(request)
    data = await read_model(request, CertificateRequest)
    settings = request.app[SETTINGS]
    base = public_base(request)

    async def write(session: AsyncSession) -> tuple[int, object]:
        issued = await certificate_service.issue(
            session=session, channel_user=data.channel_user, case_no=data.case_no,
            valid_days=settings.certificate_valid_days,
            link_hours=settings.certificate_link_hours)
        certificate = issued.certificate
        return 201, {
            "code": certificate.code,
            "case_no": certificate.case.case_no,
            "holder_name_masked": mask_name(certificate.holder_name),
            "assistance_type": certificate.assistance_type,
            "assistance_type_name": ASSISTANCE_TYPE_NAMES[AssistanceType(certificate.assistance_type)],
            "district": certificate.district,
            "approved_on": certificate.approved_on.isoformat(),
            "valid_until": certificate.valid_until.isoformat(),
            "download_url": f"{base}/certificates/download/{issued.download_token}",
            "download_expires_at": certificate.download_expires_at.isoformat(),
            "verify_url": f"{base}/verify?code={certificate.code}",
        }

    return await run_write(request, write, principal="service")


@routes.get(PREFIX + "/benefits", name="service_benefits")
async def benefits(request: web.Request) -> web.Response:
    """The linked benefits of the chat user's approved cases."""
    require_service(request)
    channel_user = request.query.get("channel_user", "").strip()
    if not channel_user or len(channel_user) > 128:
        raise InvalidInput("缺少 channel_user 参数", code="channel_user_required")
    async with request.app[DB]() as session:
        found = await benefit_service.benefits_of_chat_user(session=session,
                                                            channel_user=channel_user)
        items = [benefit_view(b) for b in found.benefits]
    return json_response({"approved_cases": len(found.approved_cases), "items": items,
                          "total": len(items)})


@routes.post(PREFIX + "/objections", name="service_lodge_objection")
async def lodge_objection(request: web.Request) -> web.Response:
    """An objection (异议) to a current public notice; it goes to that district's staff."""
    require_service(request)
    data = await read_model(request, ObjectionIn)
    settings = request.app[SETTINGS]

    async def write(session: AsyncSession) -> tuple[int, object]:
        objection = await notice_service.lodge_objection(
            session=session, cipher=request.app[CIPHER], channel_user=data.channel_user,
            notice_no=data.notice_no, reason=data.reason, contact=data.contact,
            notice_days=settings.notice_days)
        return 201, {"id": objection.id, "notice_no": objection.notice.notice_no,
                     "district": objection.district, "status": objection.status}

    return await run_write(request, write, principal="service")
