"""Apply the Alembic migrations (`python -m backend migrate`, and at start-up)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.db import create_engine
from backend.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["settings"] = settings
    return config


async def upgrade(settings: Settings, engine: AsyncEngine | None = None) -> None:
    """Bring the database to the newest revision."""
    own = engine is None
    engine = engine or create_engine(settings)
    config = alembic_config(settings)
    try:
        async with engine.begin() as connection:
            def run(sync_connection) -> None:  # type: ignore[no-untyped-def]
                config.attributes["connection"] = sync_connection
                command.upgrade(config, "head")
            await connection.run_sync(run)
    finally:
        if own:
            await engine.dispose()


def upgrade_blocking(settings: Settings) -> None:
    asyncio.run(upgrade(settings))
