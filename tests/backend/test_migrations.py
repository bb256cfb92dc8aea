"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from backend.db import create_engine
from backend.models import Base
from backend.settings import Settings


async def test_migrated_database_matches_every_model(settings: Settings) -> None:
    engine = create_engine(settings)  # the fixture's database is migrated to the head
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata))
    finally:
        await engine.dispose()
    assert diff == []
