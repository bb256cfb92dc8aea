"""Service API for the action server: drafts field by field, submit, a chat user's cases."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from backend.api.common import json_response, path_int, read_model, require_service, run_write
from backend.errors import InvalidInput
from backend.keys import CIPHER, DB, SETTINGS
from backend.lifecycle import Actor, CaseStatus
from backend.schemas import (
    CaseLookup,
    CompleteCaseIn,
    DraftCreate,
    DraftUpdate,
    HelperIn,
    MemberIn,
    MemberUpdate,
    Withdrawal,
)
from backend.services import cases as case_service
from backend.services.transitions import apply_transition
from backend.views import case_view

routes = web.RouteTableDef()
PREFIX = "/api/v1/service"


def _channel_user(request: web.Request) -> str:
    user = request.query.get("channel_user", "").strip()
    if not user or len(user) > 128:
        raise InvalidInput("缺少 channel_user 参数", code="channel_user_required")
    return user


def _member_id(request: web.Request) -> int:
    return path_int(request, "member_id", error=InvalidInput("成员编号不对", code="bad_member_id"))


@routes.post(PREFIX + "/drafts", name="service_create_draft")
async def create_draft(request: web.Request) -> web.Response:
    require_service(request)
    data = await read_model(request, DraftCreate)

    async def write(session: AsyncSession) -> tuple[int, object]:
        case = await case_service.create_draft(session=session, data=data)
        return 201, case_view(case)

    return await run_write(request, write, principal="service")


@routes.get(PREFIX + "/drafts/latest", name="service_latest_draft")
async def latest_draft(request: web.Request) -> web.Response:
    require_service(request)
    async with request.app[DB]() as session:
        case = await case_service.latest_draft(session=session,
                                               channel_user=_channel_user(request))
    if case is None:
        return json_response({"draft": None})
    return json_response({"draft": case_view(case)})


@routes.post(PREFIX + "/cases", name="service_create_case")
async def create_complete_case(request: web.Request) -> web.Response:
    require_service(request)
    data = await read_model(request, CompleteCaseIn)

    async def write(session: AsyncSession) -> tuple[int, object]:
        case = await case_service.create_complete_case(session=session,
                                                       cipher=request.app[CIPHER], data=data)
        return 201, case_view(case)

    return await run_write(request, write, principal="service")


@routes.get(PREFIX + "/cases", name="service_cases_of_user")
async def cases_of_user(request: web.Request) -> web.Response:
    require_service(request)
    async with request.app[DB]() as session:
        rows = await case_service.cases_of_chat_user(session=session,
                                                     channel_user=_channel_user(request))
    return json_response({"items": [case_view(c) for c in rows], "total": len(rows)})


@routes.get(PREFIX + "/cases/{case_no}", name="service_case")
async def get_case(request: web.Request) -> web.Response:
    require_service(request)
    async with request.app[DB]() as session:
        case = await case_service.get_case_for_chat(
            session=session, case_no=request.match_info["case_no"],
            channel_user=_channel_user(request))
    return json_response(case_view(case))


@routes.patch(PREFIX + "/cases/{case_no}", name="service_update_draft")
async def update_draft(request: web.Request) -> web.Response:
    require_service(request)
    data = await read_model(request, DraftUpdate)
    channel_user = _channel_user(request)

    async def write(session: AsyncSession) -> tuple[int, object]:
        case = await case_service.update_draft(
            session=session, cipher=request.app[CIPHER], case_no=request.match_info["case_no"],
            channel_user=channel_user, data=data)
        return 200, case_view(case)

    return await run_write(request, write, principal="service")


@routes.put(PREFIX + "/cases/{case_no}/helper", name="service_set_helper")
async def set_helper(request: web.Request) -> web.Response:
    require_service(request)
    data = await read_model(request, HelperIn)
    channel_user = _channel_user(request)

    async def write(session: AsyncSession) -> tuple[int, object]:
        case = await case_service.set_helper(
            session=session, cipher=request.app[CIPHER], case_no=request.match_info["case_no"],
            channel_user=channel_user, data=data)
        return 200, case_view(case)

    return await run_write(request, write, principal="service")


@routes.post(PREFIX + "/cases/{case_no}/members", name="service_add_member")
async def add_member(request: web.Request) -> web.Response:
    require_service(request)
    data = await read_model(request, MemberIn)
    channel_user = _channel_user(request)

    async def write(session: AsyncSession) -> tuple[int, object]:
        case_no = request.match_info["case_no"]
        member = await case_service.add_member(session=session, cipher=request.app[CIPHER],
                                               case_no=case_no, channel_user=channel_user,
                                               data=data)
        case = await case_service.get_case(session=session, case_no=case_no)
        return 201, {"member_id": member.id, "case": case_view(case)}

    return await run_write(request, write, principal="service")


@routes.patch(PREFIX + "/cases/{case_no}/members/{member_id}", name="service_update_member")
async def update_member(request: web.Request) -> web.Response:
    require_service(request)
    data = await read_model(request, MemberUpdate)
    channel_user = _channel_user(request)

    async def write(session: AsyncSession) -> tuple[int, object]:
        case_no = request.match_info["case_no"]
        await case_service.update_member(session=session, cipher=request.app[CIPHER],
                                          case_no=case_no, channel_user=channel_user,
                                          member_id=_member_id(request), data=data)
        return 200, case_view(await case_service.get_case(session=session, case_no=case_no))

    return await run_write(request, write, principal="service")


@routes.delete(PREFIX + "/cases/{case_no}/members/{member_id}", name="service_remove_member")
async def remove_member(request: web.Request) -> web.Response:
    require_service(request)
    channel_user = _channel_user(request)

    async def write(session: AsyncSession) -> tuple[int, object]:
        case = await case_service.remove_member(
            session=session, case_no=request.match_info["case_no"], channel_user=channel_user,
            member_id=_member_id(request))
        return 200, case_view(case)

    return await run_write(request, write, principal="service")


@routes.post(PREFIX + "/cases/{case_no}/submit", name="service_submit")
async def submit(request: web.Request) -> web.Response:
    require_service(request)
    channel_user = _channel_user(request)

    async def write(session: AsyncSession) -> tuple[int, object]:
        case = await case_service.submit(session=session, case_no=request.match_info["case_no"],
                                         channel_user=channel_user)
        return 200, case_view(case)

    return await run_write(request, write, principal="service")


@routes.post(PREFIX + "/cases/{case_no}/withdraw", name="service_withdraw")
async def withdraw(request: web.Request) -> web.Response:
    require_service(request)
    data = await read_model(request, Withdrawal)

    async def write(session: AsyncSession) -> tuple[int, object]:
        case = await case_service.get_case_for_chat(
            session=session, case_no=request.match_info["case_no"],
            channel_user=data.channel_user)
        apply_transition(case, CaseStatus.WITHDRAWN, actor=Actor.APPLICANT,
                         actor_type="helper" if case.helper else "applicant",
                         actor_name=data.channel_user, reason=data.reason or "申请人撤回申请")
        await session.flush()
        return 200, case_view(case)

    return await run_write(request, write, principal="service")


@routes.post(PREFIX + "/cases/lookup", name="service_lookup")
async def lookup(request: web.Request) -> web.Response:
    """A case from a chat that did not file it: case number plus ID-number tail."""
    require_service(request)
    data = await read_model(request, CaseLookup)
    settings = request.app[SETTINGS]
    async with request.app[DB]() as session:
        try:
            case = await case_service.lookup_with_second_factor(
                session=session, cipher=request.app[CIPHER], channel_user=data.channel_user,
                case_no=data.case_no, id_tail=data.id_tail,
                max_failures=settings.lookup_max_failures,
                window=timedelta(minutes=settings.lookup_window_minutes))
        finally:
            await session.commit()  # a failed attempt must count towards the limit
        return json_response(case_view(case))
