"""`python -m backend benefits export --agency 医保局 [--format csv|jsonl] [--district 渝中区]`:
the linked benefits (免申即享) granted so far, one row per benefit, ID numbers masked."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db import database
from backend.errors import InvalidInput
from backend.services import linked_benefits as benefit_service
from backend.settings import Settings


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    benefits = commands.add_parser("benefits", help="linked benefits (免申即享)").add_subparsers(
        dest="benefits_command", required=True)
    export = benefits.add_parser("export", help="granted benefits for an agency (masked IDs)")
    export.add_argument("--agency", help="e.g. 医保局; all agencies when left out")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    export.add_argument("--district", help="only this 区县")


async def _rows(db: async_sessionmaker[AsyncSession], agency: str | None,
                district: str | None) -> list[dict[str, object]]:
    async with db() as session:
        return await benefit_service.export_rows(session=session, agency=agency,
                                                 district=district)


async def run(settings: Settings, args: argparse.Namespace) -> int:
    """Write the export to stdout; return the number of rows."""
    if args.agency and args.agency not in benefit_service.agencies():
        raise InvalidInput("没有这个部门，可选：" + "、".join(benefit_service.agencies()))
    async with database(settings) as db:
        rows = await _rows(db, args.agency, args.district)
    if args.format == "csv":
        sys.stdout.write(benefit_service.to_csv(rows))
    else:
        sys.stdout.write(benefit_service.to_json_lines(rows))
    return len(rows)
