"""Health check and the OpenAPI document built from the live route table."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel
from sqlalchemy import text

from backend.api.common import json_response
from backend.keys import DB
from backend.schemas import (
    ApplicantSignature,
    CaseLookup,
    CompleteCaseIn,
    DraftCreate,
    DraftUpdate,
    EscalationIn,
    HelperIn,
    MemberIn,
    MemberUpdate,
    PrecheckIn,
    ReplyIn,
    SigningCodeRedeem,
    StaffLogin,
    TransitionIn,
    Withdrawal,
)
from backend.schemas_certification import (
    CertificationIn,
    VerificationAnswers,
    VerificationStart,
)
from backend.schemas_helper_registry import RegisteredHelperIn
from backend.schemas_monitoring import AlertResolution
from backend.schemas_recipient_services import (
    CertificateRequest,
    NoticeAmountIn,
    ObjectionIn,
    ObjectionResolution,
)

routes = web.RouteTableDef()

# Request body of each named route that takes one.
REQUEST_MODELS: dict[str, type[BaseModel]] = {
    "service_create_draft": DraftCreate,
    "service_create_case": CompleteCaseIn,
    "service_update_draft": DraftUpdate,
    "service_set_helper": HelperIn,
    "service_add_member": MemberIn,
    "service_update_member": MemberUpdate,
    "service_withdraw": Withdrawal,
    "service_lookup": CaseLookup,
    "service_sign_applicant": ApplicantSignature,
    "service_redeem_signing_code": SigningCodeRedeem,
    "service_create_escalation": EscalationIn,
    "service_record_precheck": PrecheckIn,
    "staff_login": StaffLogin,
    "staff_transition": TransitionIn,
    "staff_escalation_reply": ReplyIn,
    "service_start_verification": VerificationStart,
    "service_answer_verification": VerificationAnswers,
    "service_submit_certification": CertificationIn,
    "service_issue_certificate": CertificateRequest,
    "service_lodge_objection": ObjectionIn,
    "staff_objection_resolve": ObjectionResolution,
    "staff_notice_amount": NoticeAmountIn,
    "staff_helper_create": RegisteredHelperIn,
    "staff_monitoring_resolve": AlertResolution,
}

# Request bodies that are not JSON (file uploads), as OpenAPI requestBody objects.
REQUEST_BODIES: dict[str, dict[str, Any]] = {
    "staff_monitoring_import": {"required": True, "content": {
        "text/csv": {"schema": {"type": "string", "format": "binary"}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "kind": {"type": "string"}, "file": {"type": "string", "format": "binary"}},
            "required": ["file"]}},
    }},
}

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"type": "object", "properties": {
        "code": {"type": "string"}, "message": {"type": "string"},
        "details": {"type": "object"}}, "required": ["code", "message"]}},
}


@routes.get("/healthz", name="healthz")
async def healthz(request: web.Request) -> web.Response:
    """Answers 200 when the database does."""
    try:
        async with request.app[DB]() as session:
            await session.execute(text("SELECT 1"))
    except Exception:  # the database is down: say so, never a stack trace
        return json_response({"status": "unavailable", "database": "down"}, status=503)
    return json_response({"status": "ok", "database": "up"})


def _security(name: str, path: str) -> list[dict[str, list[str]]]:
    if name.startswith("service_"):
        return [{"serviceToken": []}]
    if name.startswith("staff_") and name != "staff_login":
        return [{"staffToken": []}]
    return []


def build_openapi(app: web.Application) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        if not path or route.method == "HEAD" or not route.name:
            continue
        doc = (route.handler.__doc__ or route.name.replace("_", " ")).strip()
        operation: dict[str, Any] = {
            "operationId": route.name,
            "summary": doc.splitlines()[0],
            "security": _security(route.name, path),
            "parameters": [{"name": p, "in": "path", "required": True,
                            "schema": {"type": "string"}}
                           for p in path.split("{")[1:] for p in [p.split("}")[0]]],
            "responses": {
                "200": {"description": "OK"},
                "4XX": {"description": "Error",
                        "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        }
        if model := REQUEST_MODELS.get(route.name):
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(schema.pop("$defs", {}))
            schemas[model.__name__] = schema
            operation["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}
        elif body := REQUEST_BODIES.get(route.name):
            operation["requestBody"] = body
        if route.method in ("POST", "PUT", "PATCH", "DELETE") and route.name != "staff_login":
            operation["parameters"].append({"name": "Idempotency-Key", "in": "header",
                                            "required": False, "schema": {"type": "string"}})
        paths.setdefault(path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "社会救助案件后台 API", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {
            "serviceToken": {"type": "http", "scheme": "bearer",
                             "description": "SERVICE_TOKEN of the action server"},
            "staffToken": {"type": "http", "scheme": "bearer",
                           "description": "token from /api/v1/staff/login"},
        }},
    }


@routes.get("/api/openapi.json", name="openapi")
async def openapi(request: web.Request) -> web.Response:
    """This document."""
    return json_response(build_openapi(request.app))
