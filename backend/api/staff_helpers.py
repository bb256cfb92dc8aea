"""Staff API: the helper registry (帮办代办人登记): list, register, deactivate, their cases."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from backend.api.common import json_response, path_int, read_model, require_staff, run_write, staff_principal
from backend.errors import InvalidInput
from backend.keys import CIPHER, DB
from backend.models import RegisteredHelper
from backend.models.helper_registry import HELPER_KINDS
from backend.schemas_helper_registry import RegisteredHelperIn
from backend.services import helper_registry as registry
from backend.views import case_list_item

routes = web.RouteTableDef()


def registered_helper_view(helper: RegisteredHelper) -> dict[str, Any]:
    """A registry entry as staff see it: numbers masked, always."""
    return {
        "id": helper.id, "name": helper.name, "kind": helper.kind,
        "kind_name": HELPER_KINDS.get(helper.kind, helper.kind),
        "organisation": helper.organisation, "district": helper.district,
        "phone_masked": helper.phone_masked, "id_number_masked": helper.id_number_masked,
        "active": helper.is_active, "created_at": helper.created_at.isoformat(),
        "deactivated_at": helper.deactivated_at.isoformat() if helper.deactivated_at else None,
    }


def _helper_id(request: web.Request) -> int:
    return path_int(request, "helper_id", error=InvalidInput("帮办代办人编号不对", code="bad_helper_id"))


@routes.get("/api/v1/helpers", name="staff_helpers")
async def list_helpers(request: web.Request) -> web.Response:
    """Registered helpers of the staff user's 区县 (all for the city role); ?active=true|false."""
    active_param = request.query.get("active")
    if active_param not in (None, "true", "false"):
        raise InvalidInput("active 只能是 true 或 false", code="bad_filter")
    async with request.app[DB]() as session:
        staff = await require_staff(request, session)
        rows = await registry.list_helpers(
            session=session, staff=staff,
            active=None if active_param is None else active_param == "true")
        items = [registered_helper_view(h) for h in rows]
    return json_response({"items": items, "total": len(items)})


@routes.post("/api/v1/helpers", name="staff_helper_create")
async def create_helper(request: web.Request) -> web.Response:
    """Register a helper; a phone number already active in the registry is a 409."""
    data = await read_model(request, RegisteredHelperIn)

    async def write(session: AsyncSession) -> tuple[int, object]:
        staff = await require_staff(request, session)
        helper = await registry.register_helper(session=session, cipher=request.app[CIPHER],
                                                staff=staff, data=data)
        return 201, registered_helper_view(helper)

    return await run_write(request, write, principal=staff_principal(request))


@routes.get("/api/v1/helpers/{helper_id}", name="staff_helper")
async def get_helper(request: web.Request) -> web.Response:
    """One registered helper and the submitted cases whose helper has their name and phone."""
    async with request.app[DB]() as session:
        staff = await require_staff(request, session)
        helper = await registry.get_helper(session=session, staff=staff, helper_id=_helper_id(request))
        cases = await registry.cases_filed_by(session=session, cipher=request.app[CIPHER],
                                              staff=staff, helper=helper)
        view = {**registered_helper_view(helper), "cases": [case_list_item(c) for c in cases]}
    return json_response(view)


@routes.post("/api/v1/helpers/{helper_id}/deactivate", name="staff_helper_deactivate")
async def deactivate_helper(request: web.Request) -> web.Response:
    """Deactivate a registered helper (kept for the record, no longer listed as active)."""

    async def write(session: AsyncSession) -> tuple[int, object]:
        staff = await require_staff(request, session)
        helper = await registry.deactivate_helper(session=session, staff=staff,
                                                  helper_id=_helper_id(request))
        return 200, registered_helper_view(helper)

    return await run_write(request, write, principal=staff_principal(request))
