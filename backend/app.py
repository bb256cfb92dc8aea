"""The aiohttp application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from backend.api import (
    meta,
    service_cases,
    service_signing,
    service_support,
    staff_cases,
    staff_escalations,
)
from backend.api.middleware import access_log_middleware, errors_middleware
from backend.db import create_engine, create_session_maker
from backend.keys import CIPHER, DB, SETTINGS
from backend.privacy.crypto import PersonalDataCipher
from backend.settings import Settings
from backend.web import chat_page


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
                   staff_escalations, chat_page):
        app.router.add_routes(module.routes)
    return app


async def _database(app: web.Application) -> AsyncIterator[None]:
    engine = create_engine(app[SETTINGS])
    app[DB] = create_session_maker(engine)
    yield
    await engine.dispose()
