"""`python -m backend ...`: serve, migrate, staff accounts, case export."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence

from aiohttp import web
from sqlalchemy import select

from backend.app import create_app
from backend.db import database
from backend.errors import DomainError
from backend.lifecycle import CaseStatus
from backend.migrate import upgrade
from backend.models import Case
from backend.services import staff as staff_service
from backend.settings import Settings, SettingsError
from backend.views import case_view


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m backend", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP server (the default)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--no-migrate", action="store_true",
                       help="do not apply migrations at start-up")
    commands.add_parser("migrate", help="apply database migrations")
    staff = commands.add_parser("staff", help="staff accounts").add_subparsers(
        dest="staff_command", required=True)
    create = staff.add_parser("create", help="create a staff user")
    create.add_argument("--username", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--district", help="the 区县 this user works for")
    create.add_argument("--role", choices=("district", "city"), default="district")
    cases = commands.add_parser("cases", help="cases").add_subparsers(
        dest="cases_command", required=True)
    cases.add_parser("export", help="every submitted case as JSON lines (masked numbers)")
    return parser


async def _create_staff(settings: Settings, args: argparse.Namespace) -> str:
    async with database(settings) as db, db.begin() as session:
        staff = await staff_service.create_staff(
            session=session, username=args.username, password=args.password,
            district=args.district, role=args.role)
        return f"created staff user {staff.username} ({staff.role}, {staff.district or '全市'})"


async def _export_cases(settings: Settings) -> int:
    count = 0
    async with database(settings) as db, db() as session:
        result = await session.stream_scalars(
            select(Case).where(Case.status != CaseStatus.DRAFT.value).order_by(Case.id)
            .execution_options(yield_per=200))
        async for case in result:
            sys.stdout.write(json.dumps(case_view(case), ensure_ascii=False) + "\n")
            count += 1
    return count


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    if not args.no_migrate:
        asyncio.run(upgrade(settings))
    logging.basicConfig(level=settings.log_level, format="%(message)s")
    web.run_app(create_app(settings), host=args.host or settings.host,
                port=args.port or settings.port, access_log=None, print=None)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(argv) if argv is not None else (sys.argv[1:] or ["serve"]))
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "serve":
            _serve(settings, args)
        elif args.command == "migrate":
            asyncio.run(upgrade(settings))
            print("database is up to date")
        elif args.command == "staff":
            print(asyncio.run(_create_staff(settings, args)))
        elif args.command == "cases":
            count = asyncio.run(_export_cases(settings))
            print(f"exported {count} cases", file=sys.stderr)
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    return 0
