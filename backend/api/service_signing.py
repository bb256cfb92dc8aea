"""Service API: authorisation signatures and one-time signing codes."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from backend.api.common import read_model, require_service, run_write
from backend.api.service_cases import PREFIX
from backend.keys import CIPHER, SETTINGS
from backend.schemas import ApplicantSignature, SigningCodeRedeem
from backend.services import cases as case_service
from backend.services import signing
from backend.views import case_view, signature_summary

routes = web.RouteTableDef()


@routes.post(PREFIX + "/cases/{case_no}/signatures/applicant", name="service_sign_applicant")
async def sign_as_applicant(request: web.Request) -> web.Response:
    require_service(request)
    data = await read_model(request, ApplicantSignature)

    async def write(session: AsyncSession) -> tuple[int, object]:
        case = await case_service.get_case_for_chat(
            session=session, case_no=request.match_info["case_no"],
            channel_user=data.channel_user)
        signing.sign_as_applicant(case=case, signer_name=data.signer_name,
                                  channel_user=data.channel_user)
        await session.flush()
        return 200, {"signatures": signature_summary(case)}

    return await run_write(request, write, principal="service")


@routes.post(PREFIX + "/cases/{case_no}/signing-codes", name="service_issue_signing_codes")
async def issue_codes(request: web.Request) -> web.Response:
    """New codes for everyone who still has to sign. Shown once: only hashes are stored."""
    require_service(request)
    channel_user = request.query.get("channel_user", "")
    hours = request.app[SETTINGS].signing_code_hours

    async def write(session: AsyncSession) -> tuple[int, object]:
        case = await case_service.get_case_for_chat(
            session=session, case_no=request.match_info["case_no"], channel_user=channel_user)
        issued = await signing.issue_signing_codes(session=session, case=case,
                                                   valid_for=timedelta(hours=hours))
        return 201, {
            "codes": [{"member_id": s.member_id, "name": s.name, "relation": s.relation,
                       "code": code} for s, code in issued],
            "valid_hours": hours,
            "signatures": signature_summary(case),
        }

    return await run_write(request, write, principal="service")


@routes.post(PREFIX + "/signatures", name="service_redeem_signing_code")
async def redeem_code(request: web.Request) -> web.Response:
    """A household member signs from their own chat with the code they were given."""
    require_service(request)
    data = await read_model(request, SigningCodeRedeem)

    async def write(session: AsyncSession) -> tuple[int, object]:
        case, signature = await signing.redeem_signing_code(
            session=session, cipher=request.app[CIPHER], code=data.code,
            signer_name=data.signer_name, id_tail=data.id_tail, channel_user=data.channel_user)
        if signature is None:  # committed, so that the failure counts
            return 422, {"error": {"code": "signer_mismatch",
                                   "message": "姓名或身份证后四位和登记的不一致，请核对后再试"}}
        view = case_view(case)
        return 200, {"case_no": case.case_no, "assistance_type": view["assistance_type_name"],
                     "signatures": view["signatures"]}

    return await run_write(request, write, principal="service")
