"""Console pages of the helper registry (帮办代办人): list, register, deactivate, their cases."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import ValidationError

from backend.api.common import path_int
from backend.console.auth import require_console_post, require_console_staff
from backend.console.rendering import (
    DONE_MESSAGES,
    console_page,
    redirect,
    render,
    url,
    validation_message,
)
from backend.districts import DISTRICTS
from backend.errors import DomainError, InvalidInput, NotFound
from backend.keys import CIPHER, DB
from backend.models import StaffUser
from backend.schemas_helper_registry import RegisteredHelperIn
from backend.services import helper_registry as registry

routes = web.RouteTableDef()
FIELDS = ("name", "kind", "phone", "id_number", "organisation", "district")
ACTIVE_TABS = {"yes": True, "no": False, "all": None}
DONE_MESSAGES.update({"registered": "已登记这位帮办代办人", "deactivated": "已停用这位帮办代办人"})


def _helper_id(request: web.Request) -> int:
    return path_int(request, "helper_id", error=NotFound("没有找到这位帮办代办人", code="helper_not_found"))


async def _registry_page(request: web.Request, staff: StaffUser, session: Any, *,
                         form: dict[str, str] | None = None, error: str | None = None,
                         status: int = 200) -> web.Response:
    tab = request.query.get("active", "yes")
    if tab not in ACTIVE_TABS:
        raise InvalidInput("没有这种筛选条件", code="bad_filter")
    helpers = await registry.list_helpers(session=session, staff=staff, active=ACTIVE_TABS[tab])
    return render(request, "helpers.html", {
        "helpers": helpers, "tab": tab, "form": form or {}, "error": error,
        "districts": DISTRICTS}, status=status)


@routes.get("/console/helpers", name="console_helpers")
@console_page
async def helper_list(request: web.Request) -> web.StreamResponse:
    """Staff console: the helper registry and the registration form."""
    async with request.app[DB]() as session:
        staff = await require_console_staff(request, session)
        return await _registry_page(request, staff, session)


@routes.post("/console/helpers", name="console_helper_register")
@console_page
async def register(request: web.Request) -> web.StreamResponse:
    """Staff console: register a helper (form post)."""
    async with request.app[DB].begin() as session:
        staff, form = await require_console_post(request, session)
        given = {key: form[key].strip() for key in FIELDS if form.get(key, "").strip()}
        try:  # refusals come before any write, so the page can be shown again in this transaction
            data = RegisteredHelperIn.model_validate(given)
            helper = await registry.register_helper(session=session, cipher=request.app[CIPHER],
                                                    staff=staff, data=data)
        except (DomainError, ValidationError) as exc:
            message = exc.message if isinstance(exc, DomainError) else validation_message(exc)
            status = exc.status if isinstance(exc, DomainError) else 422
            return await _registry_page(request, staff, session, form=given, error=message,
                                        status=status)
    return redirect(url(request, "console_helper", {"done": "registered"}, helper_id=helper.id))


@routes.get("/console/helpers/{helper_id}", name="console_helper")
@console_page
async def helper_page(request: web.Request) -> web.StreamResponse:
    """Staff console: one registered helper and the cases they filed."""
    async with request.app[DB]() as session:
        staff = await require_console_staff(request, session)
        helper = await registry.get_helper(session=session, staff=staff, helper_id=_helper_id(request))
        cases = await registry.cases_filed_by(session=session, cipher=request.app[CIPHER],
                                              staff=staff, helper=helper)
    return render(request, "helper.html", {"helper": helper, "cases": cases})


@routes.post("/console/helpers/{helper_id}/deactivate", name="console_helper_deactivate")
@console_page
async def deactivate(request: web.Request) -> web.StreamResponse:
    """Staff console: deactivate a registered helper (form post)."""
    async with request.app[DB].begin() as session:
        staff, _form = await require_console_post(request, session)
        helper = await registry.deactivate_helper(session=session, staff=staff,
                                                  helper_id=_helper_id(request))
    return redirect(url(request, "console_helper", {"done": "deactivated"}, helper_id=helper.id))
