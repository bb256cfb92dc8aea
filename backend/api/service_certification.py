"""Service API for the chat's eligibility certification: identity check, answers, status."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from backend.api.common import json_response, read_model, require_service, run_write
from backend.api.service_cases import PREFIX
from backend.errors import InvalidInput
from backend.keys import CIPHER, DB, SETTINGS
from backend.schemas_certification import CertificationIn, VerificationAnswers, VerificationStart
from backend.services import certification
from backend.services.certification import CertificationPolicy, due_text
from backend.services.identity import IdentityVerifier, verifier_for
from backend.views_certification import challenge_view, schedule_view

routes = web.RouteTableDef()


def _policy(request: web.Request) -> CertificationPolicy:
    return CertificationPolicy.from_settings(request.app[SETTINGS])


def _verifier(request: web.Request) -> IdentityVerifier:
    return verifier_for(request.app[SETTINGS], request.app[CIPHER])


@routes.post(PREFIX + "/certifications/verifications", name="service_start_verification")
async def start_verification(request: web.Request) -> web.Response:
    """Begin the identity check for a certification: the questions to ask, never the answers."""
    require_service(request)
    data = await read_model(request, VerificationStart)

    async def write(session: AsyncSession) -> tuple[int, object]:
        verification, case, challenge = await certification.start_verification(
            session=session, verifier=_verifier(request), policy=_policy(request),
            channel_user=data.channel_user, case_no=data.case_no)
        return 201, challenge_view(verification.public_id, case, challenge,
                                   verification.method, verification.expires_at)

    return await run_write(request, write, principal="service")


@routes.post(PREFIX + "/certifications/verifications/{verification_id}/answers",
             name="service_answer_verification")
async def answer_verification(request: web.Request) -> web.Response:
    """Judge the answers. A failure is stored (and counts towards the lock) before the 422."""
    require_service(request)
    data = await read_model(request, VerificationAnswers)
    policy = _policy(request)

    async def write(session: AsyncSession) -> tuple[int, object]:
        passed, left = await certification.answer_verification(
            session=session, verifier=_verifier(request), policy=policy,
            channel_user=data.channel_user, public_id=request.match_info["verification_id"],
            answers=data.answers)
        if passed:
            return 200, {"verified": True}
        if left == 0:
            return 429, {"error": {"code": "identity_locked", "message":
                                   f"核对没有通过，失败次数太多，为了保护您的信息，请{policy.lock_minutes}"
                                   "分钟后再试，或者联系工作人员"}}
        return 422, {"error": {"code": "identity_mismatch",
                               "message": f"核对没有通过：有回答和登记的信息不一致。还可以再试{left}次。",
                               "details": {"remaining_attempts": left}}}

    return await run_write(request, write, principal="service")


@routes.post(PREFIX + "/certifications", name="service_submit_certification")
async def submit_certification(request: web.Request) -> web.Response:
    """Record a certification after a passed identity check; reported changes become a task."""
    require_service(request)
    data = await read_model(request, CertificationIn)

    async def write(session: AsyncSession) -> tuple[int, object]:
        done = await certification.certify(session=session, policy=_policy(request), data=data)
        return 201, {
            "case_no": done.case.case_no, "certified_at": done.record.created_at.isoformat(),
            "next_due_on": done.schedule.next_due_on.isoformat(),
            "next_due_text": due_text(done.schedule.next_due_on),
            "changes_reported": done.task is not None,
        }

    return await run_write(request, write, principal="service")


@routes.get(PREFIX + "/certifications", name="service_my_certifications")
async def my_certifications(request: web.Request) -> web.Response:
    """The chat user's cases that must certify, with their next due date."""
    require_service(request)
    channel_user = request.query.get("channel_user", "").strip()
    if not channel_user or len(channel_user) > 128:
        raise InvalidInput("缺少 channel_user 参数", code="channel_user_required")
    policy = _policy(request)
    async with request.app[DB]() as session:
        rows = await certification.schedules_of_chat_user(session=session,
                                                          channel_user=channel_user)
        items = [schedule_view(s, c, policy) for c, s in rows]
    return json_response({"items": items, "total": len(items)})
