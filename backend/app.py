"""The aiohttp application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from backend.api import (
    meta,
    public,
    service_cases,
    service_certification,
    service_recipient,
    service_signing,
    service_support,
    staff_cases,
    staff_certification,
    staff_escalations,
    staff_helpers,
    staff_monitoring,
    staff_recipient,
)
from backend.api.middleware import access_log_middleware, errors_middleware
from backend.console import cases as console_cases
from backend.console import certifications as console_certifications
from backend.console import escalations as console_escalations
from backend.console import helpers as console_helpers
from backend.console import login as console_login
from backend.console import monitoring as console_monitoring
from backend.console import recipient_services as console_recipient_services
from backend.db import create_engine, create_session_maker
from backend.keys import CIPHER, DB, SETTINGS
from backend.privacy.crypto import PersonalDataCipher
from backend.settings import Settings
from backend.web import chat_page, public_pages


def create_app(settings: Settings) -> web.Application:
    app = web.Application(
        middlewares=[access_log_middleware, errors_middleware],
        client_max_size=settings.max_body_bytes,
    )
    app[SETTINGS] = settings
    app[CIPHER] = PersonalDataCipher(encryption_key=settings.id_encryption_key,
                                     hash_key=settings.id_hash_key)
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(chat_page.rasa_client)
    for module in (meta, service_cases, service_signing, service_support, staff_cases,
                   staff_escalations, chat_page, public, service_recipient, staff_recipient,
                   public_pages, staff_helpers, console_login, console_escalations, console_cases,
                   console_helpers, staff_monitoring, console_monitoring,
                   service_certification, staff_certification, console_recipient_services,
                   console_certifications):
        app.router.add_routes(module.routes)
    return app


async def _database(app: web.Application) -> AsyncIterator[None]:
    engine = create_engine(app[SETTINGS])
    app[DB] = create_session_maker(engine)
    yield
    await engine.dispose()
