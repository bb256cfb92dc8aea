"""Typed application state."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.models import StaffUser
from backend.privacy.crypto import PersonalDataCipher
from backend.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
DB = web.AppKey("db", async_sessionmaker[AsyncSession])
CIPHER = web.AppKey("cipher", PersonalDataCipher)

# Set on the request by the auth helpers.
STAFF_USER = web.RequestKey("staff_user", StaffUser)


def staff_of(request: web.Request) -> StaffUser:
    return request[STAFF_USER]
