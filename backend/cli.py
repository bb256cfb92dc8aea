"""`python -m backend ...`: serve, migrate, staff accounts, case export."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import signal
import sys
from collections.abc import Sequence
from datetime import timedelta
from multiprocessing.connection import wait
from types import FrameType

from aiohttp import web
from sqlalchemy import select

from backend.app import create_app
from backend.cli_benefits import add_parser as add_benefits_parser
from backend.cli_benefits import run as run_benefits
from backend.cli_monitoring import add_parser as add_monitoring_parser
from backend.cli_monitoring import run as run_monitoring
from backend.db import database
from backend.errors import DomainError
from backend.lifecycle import CaseStatus
from backend.migrate import upgrade
from backend.models import Case
from backend.services import maintenance
from backend.services import staff as staff_service
from backend.settings import Settings, SettingsError
from backend.views import case_view


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m backend", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP server (the default)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=_positive_int,
                       help="server processes sharing the port (default: WEB_WORKERS, else 1)")
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
    add_benefits_parser(commands)
    add_monitoring_parser(commands)
    maintenance = commands.add_parser("maintenance", help="housekeeping").add_subparsers(
        dest="maintenance_command", required=True)
    prune = maintenance.add_parser(
        "prune", help="delete old retry records and attempt counters, and expired sessions")
    prune.add_argument("--days", type=_positive_int, default=30,
                       help="keep what is younger than this many days (default 30, at least 1)")
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


async def _prune(settings: Settings, *, days: int) -> dict[str, int]:
    async with database(settings) as db, db.begin() as session:
        return await maintenance.prune(session=session, older_than=timedelta(days=days))


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


class _Stop(Exception):
    """SIGTERM reached the supervisor of the worker processes."""


def _raise_stop(_signum: int, _frame: FrameType | None) -> None:
    raise _Stop


def _new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop's event loop where it is installed (less CPU per request), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def _run_server(settings: Settings, host: str, port: int, reuse_port: bool) -> None:
    logging.basicConfig(level=settings.log_level, format="%(message)s")
    web.run_app(create_app(settings), host=host, port=port, reuse_port=reuse_port,
                access_log=None, print=None, loop=_new_event_loop())


def _worker(settings: Settings, host: str, port: int) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the supervisor's handler
    _run_server(settings, host, port, reuse_port=True)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    if not args.no_migrate:
        asyncio.run(upgrade(settings))  # once, before any worker starts
    host, port = args.host or settings.host, args.port or settings.port
    workers = args.workers or settings.web_workers
    if workers <= 1:
        _run_server(settings, host, port, reuse_port=False)
        return 0
    return _supervise(settings, host, port, workers)


def _supervise(settings: Settings, host: str, port: int, workers: int) -> int:
    """Run `workers` server processes on one port (SO_REUSEPORT) until a signal or a crash.

    The workers are forked after the migrations, with no event loop or engine alive; each
    builds its own app, engine and pool. SIGTERM or SIGINT stops them all gracefully; a
    worker that dies takes the others down with it (exit status 1) so that a supervisor
    above restarts the whole server.
    """
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_worker, args=(settings, host, port),
                                 name=f"backend-worker-{number}", daemon=True)
                 for number in range(workers)]
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    status = 0
    try:
        for process in processes:
            process.start()
        wait([process.sentinel for process in processes])
        status = 1  # a worker exited on its own
        for process in processes:
            if process.exitcode is not None:
                print(f"{process.name} exited with status {process.exitcode}; stopping the server",
                      file=sys.stderr)
    except (_Stop, KeyboardInterrupt):
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # already stopping
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=15)
            if process.is_alive():
                process.kill()
                process.join()
        signal.signal(signal.SIGTERM, previous or signal.SIG_DFL)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(argv) if argv is not None else (sys.argv[1:] or ["serve"]))
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "serve":
            return _serve(settings, args)
        elif args.command == "migrate":
            asyncio.run(upgrade(settings))
            print("database is up to date")
        elif args.command == "staff":
            print(asyncio.run(_create_staff(settings, args)))
        elif args.command == "cases":
            count = asyncio.run(_export_cases(settings))
            print(f"exported {count} cases", file=sys.stderr)
        elif args.command == "benefits":
            count = asyncio.run(run_benefits(settings, args))
            print(f"exported {count} benefits", file=sys.stderr)
        elif args.command == "monitoring":
            return run_monitoring(settings, args)
        elif args.command == "maintenance":
            counts = asyncio.run(_prune(settings, days=args.days))
            print(" ".join(f"{table}={count}" for table, count in counts.items()))
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    return 0
