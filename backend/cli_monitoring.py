"""`python -m backend monitoring ...`: refresh the monitored population, import a cross-check file."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from backend.db import database
from backend.privacy.crypto import PersonalDataCipher
from backend.services.monitoring.importer import ImportSummary, import_records, read_file_chunks
from backend.services.monitoring.population import RefreshSummary, refresh_population
from backend.services.monitoring.records import KIND_NAMES, RecordKind, header_of
from backend.settings import Settings


def add_parser(commands: Any) -> None:
    """Add the `monitoring` command group to the CLI's subparsers."""
    kinds = "; ".join(f"{k.value} ({KIND_NAMES[k]}): {','.join(header_of(k))}" for k in RecordKind)
    monitoring = commands.add_parser("monitoring", help="monitoring and early warning (监测预警)")
    sub = monitoring.add_subparsers(dest="monitoring_command", required=True)
    sub.add_parser("refresh", help="rebuild the monitored population from the cases")
    imports = sub.add_parser("import", help="import a cross-check CSV file and make alerts",
                             description=f"File kinds and their header rows: {kinds}")
    imports.add_argument("--kind", required=True, choices=[k.value for k in RecordKind])
    imports.add_argument("file", type=Path, help="UTF-8 CSV with a header row")


async def refresh(settings: Settings) -> RefreshSummary:
    async with database(settings) as db, db.begin() as session:
        return await refresh_population(session=session)


async def import_file(settings: Settings, kind: RecordKind, path: Path) -> ImportSummary:
    """Import one file as the CLI does (the benchmark calls this too)."""
    cipher = PersonalDataCipher(encryption_key=settings.id_encryption_key,
                                hash_key=settings.id_hash_key)
    async with database(settings) as db:
        return await import_records(db=db, cipher=cipher, kind=kind, chunks=read_file_chunks(path),
                                    filename=path.name, source="cli")


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.monitoring_command == "refresh":
        print(json.dumps(asyncio.run(refresh(settings)).as_dict(), ensure_ascii=False))
        return 0
    if not args.file.is_file():
        print(f"error: no such file: {args.file}", file=sys.stderr)
        return 2
    summary = asyncio.run(import_file(settings, RecordKind(args.kind), args.file))
    print(json.dumps(summary.as_dict(), ensure_ascii=False, indent=1))
    return 0
