"""Benchmark of the monitoring import: a 1,000,000-row cross-check file against 200,000
monitored people on PostgreSQL.

1. creates a fresh PostgreSQL database ``jiuzhu_bench_<random>`` next to ``--pg-admin-url``
   and migrates it;
2. inserts the monitored population directly in bulk (COPY): ``--people`` people in cases of
   about three (低保 / 特困 / 低保边缘 / 临时救助 / rejected, some who left within the year),
   spread over 区县, each with the keyed hash of a checksum-valid ID number;
3. writes a ``--rows`` file of ``--kind`` to a temporary directory: ``--match-share`` of the
   rows name monitored people, the rest other people, and one row in a thousand is bad;
4. runs ``python -m backend monitoring import --kind ... FILE`` (the CLI itself, in its own
   process) and prints rows/s, elapsed time, alerts made, duplicates, bad rows and the peak
   memory of that process (its RSS high-water mark, from ``getrusage(RUSAGE_CHILDREN)``);
   with ``--twice`` it imports the same file again (every alert then a duplicate);
5. times the keyed hash and the row checks alone on the same rows (CPU cost per row);
6. drops the database (unless ``--keep``).

Goal: under 60 s and under 500 MB for the import. Run from the repository::

    .venv/backend/bin/python bench/monitoring_import.py [--rows 1000000] [--people 200000]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from backend.migrate import upgrade  # noqa: E402
from backend.privacy.crypto import PersonalDataCipher  # noqa: E402
from backend.privacy.id_numbers import check_digit  # noqa: E402
from backend.services.monitoring.records import RecordKind, RowParser, header_of, split_cells  # noqa: E402
from backend.settings import Settings  # noqa: E402

DEFAULT_PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
GOAL_SECONDS = 60.0
GOAL_MB = 500.0
REGIONS = ("500101", "500102", "500103", "500105", "500106", "500107", "500108", "500112",
           "500113", "500115", "500116", "500117", "500118", "500230", "500235", "500240")
DISTRICTS = ("万州区", "涪陵区", "渝中区", "江北区", "沙坪坝区", "九龙坡区", "南岸区", "北碚区",
             "渝北区", "巴南区", "城口县", "云阳县", "石柱土家族自治县")
CATEGORIES = (("dibao", 0.55), ("tekun", 0.10), ("dibao_edge", 0.15), ("linshi", 0.05),
              ("rejected", 0.15))
ROLES = ("applicant", "member", "member", "obligor")
EXTRA = {
    RecordKind.DEATHS: lambda rnd: [],
    RecordKind.DETENTION: lambda rnd: [rnd.choice(("羁押", "服刑")), ""],
    RecordKind.NEW_MEMBERS: lambda rnd: [rnd.choice(("出生", "收养", "婚入", "迁入")), ""],
    RecordKind.DISABILITY: lambda rnd: [rnd.choice(("视力", "肢体", "智力", "精神")),
                                        rnd.choice(("一级", "二级", "三级", "四级"))],
    RecordKind.MARRIAGE: lambda rnd: [rnd.choice(("结婚", "离婚", "丧偶"))],
}


def _key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def id_numbers(rnd: random.Random, count: int, taken: set[str]) -> list[str]:
    """`count` distinct checksum-valid ID numbers not in `taken`."""
    out: list[str] = []
    start = date(1930, 1, 1).toordinal()
    span = date(2020, 12, 31).toordinal() - start
    while len(out) < count:
        birth = date.fromordinal(start + rnd.randrange(span))
        first17 = f"{rnd.choice(REGIONS)}{birth:%Y%m%d}{rnd.randrange(1000):03d}"
        value = first17 + check_digit(first17)
        if value not in taken:
            taken.add(value)
            out.append(value)
    return out


async def populate(url: str, people: list[str], cipher: PersonalDataCipher, rnd: random.Random) -> None:
    """Cases of about three people and their `monitored_person` rows, by COPY."""
    now = datetime.now(UTC)
    cases, persons = [], []
    case_id = 0
    index = 0
    while index < len(people):
        case_id += 1
        size = min(rnd.choice((1, 2, 3, 3, 4, 5)), len(people) - index)
        category = rnd.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]
        district = rnd.choice(DISTRICTS)
        since = now - timedelta(days=rnd.randrange(10, 2000))
        until = None
        if category == "linshi":
            since = until = now - timedelta(days=rnd.randrange(1, 360))
        elif category != "rejected" and rnd.random() < 0.05:  # left within the year
            until = now - timedelta(days=rnd.randrange(1, 360))
        status = "rejected" if category == "rejected" else "approved"
        kind = rnd.choice(("dibao", "tekun")) if category == "rejected" else category
        cases.append((case_id, f"B{case_id:011d}", status, kind, district, "bench", since, since))
        for position in range(size):
            persons.append((cipher.lookup_hash(people[index]), case_id, district, category,
                            ROLES[min(position, 3)] if position else "applicant", since, until))
            index += 1
    conn = await asyncpg.connect(url)
    try:
        await conn.copy_records_to_table(
            "assistance_case", records=cases,
            columns=["id", "case_no", "status", "assistance_type", "district", "filed_by_channel_user",
                     "created_at", "updated_at"])
        await conn.execute("SELECT setval(pg_get_serial_sequence('assistance_case', 'id'), $1)", case_id)
        await conn.copy_records_to_table(
            "monitored_person", records=persons,
            columns=["id_hash", "case_id", "district", "category", "member_role", "since", "until"])
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    print(f"population: {len(persons):,} monitored people in {case_id:,} cases")


def write_file(path: Path, kind: RecordKind, rows: int, people: list[str], outsiders: list[str],
               match_share: float, rnd: random.Random) -> int:
    """The cross-check file; returns how many rows name monitored people."""
    today = date.today().toordinal()
    matching = 0
    extra = EXTRA[kind]
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(header_of(kind)) + "\n")
        lines = []
        for number in range(rows):
            if number % 1000 == 999:
                lines.append("1234,2026-02-30\n")  # a bad row
                continue
            if rnd.random() < match_share:
                person = rnd.choice(people)
                matching += 1
            else:
                person = rnd.choice(outsiders)
            day = date.fromordinal(today - rnd.randrange(1, 400)).isoformat()
            lines.append(",".join([person, day, *extra(rnd)]) + "\n")
            if len(lines) >= 10000:
                handle.writelines(lines)
                lines = []
        handle.writelines(lines)
    return matching


def cli_import(settings_env: dict[str, str], kind: RecordKind, path: Path) -> tuple[dict, float]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "backend", "monitoring", "import", "--kind", kind.value,
                             str(path)], cwd=REPO_ROOT, env=settings_env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"import failed ({result.returncode}): {result.stderr[-2000:]}")
    return json.loads(result.stdout), elapsed


def cpu_costs(path: Path, kind: RecordKind, cipher: PersonalDataCipher) -> tuple[float, float]:
    """Seconds to check every row, and to hash every ID number, without the database."""
    with path.open(encoding="utf-8") as handle:
        lines = handle.read().splitlines()[1:]
    parser = RowParser(kind, today=date.today())
    started = time.perf_counter()
    ids = []
    for number, line in enumerate(lines, start=2):
        try:
            ids.append(parser.parse(number, split_cells(line)).id_number)
        except ValueError:
            pass
    checking = time.perf_counter() - started
    started = time.perf_counter()
    for value in ids:
        cipher.lookup_hash(value)
    return checking, time.perf_counter() - started


def report(label: str, summary: dict, elapsed: float, peak_mb: float) -> None:
    rows = summary["rows_read"]
    verdict = "OK" if elapsed < GOAL_SECONDS and peak_mb < GOAL_MB else "MISSED"
    print(f"{label}: {rows:,} rows in {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s; "
          f"matched {summary['matched']:,}, alerts made {summary['alerts_created']:,}, "
          f"duplicates {summary['duplicates']:,}, no rule {summary['no_action']:,}, "
          f"bad rows {summary['bad_rows']:,}; peak RSS {peak_mb:.0f} MB "
          f"[goal < {GOAL_SECONDS:.0f} s, < {GOAL_MB:.0f} MB: {verdict}]")


async def create_database(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop_database(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--kind", choices=[k.value for k in RecordKind], default="disability")
    parser.add_argument("--match-share", type=float, default=0.1,
                        help="share of rows that name monitored people (default 0.1)")
    parser.add_argument("--twice", action="store_true", help="import the same file a second time")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--pg-admin-url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_PG_ADMIN_URL))
    args = parser.parse_args()
    kind = RecordKind(args.kind)
    rnd = random.Random(args.seed)
    name = f"jiuzhu_bench_{secrets.token_hex(4)}"
    url = args.pg_admin_url.rsplit("/", 1)[0] + "/" + name
    env = {**os.environ, "DATABASE_URL": url, "SERVICE_TOKEN": "bench-" + secrets.token_hex(8),
           "ID_ENCRYPTION_KEY": _key(), "ID_HASH_KEY": _key(), "LOG_LEVEL": "WARNING"}
    settings = Settings.from_env(env, env_file=Path("/nonexistent"))
    cipher = PersonalDataCipher(encryption_key=settings.id_encryption_key, hash_key=settings.id_hash_key)
    asyncio.run(create_database(args.pg_admin_url, name))
    try:
        asyncio.run(upgrade(settings))
        taken: set[str] = set()
        people = id_numbers(rnd, args.people, taken)
        outsiders = id_numbers(rnd, min(args.rows, 300_000), taken)
        asyncio.run(populate(url, people, cipher, rnd))
        with tempfile.TemporaryDirectory(prefix="monitoring-bench-") as folder:
            path = Path(folder) / f"{kind.value}.csv"
            matching = write_file(path, kind, args.rows, people, outsiders, args.match_share, rnd)
            print(f"file: {args.rows:,} {kind.value} rows ({matching:,} naming monitored people), "
                  f"{path.stat().st_size / 2**20:.0f} MB")
            summary, elapsed = cli_import(env, kind, path)
            peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            report("import", summary, elapsed, peak_mb)
            if args.twice:
                summary, elapsed = cli_import(env, kind, path)
                peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
                report("same file again", summary, elapsed, peak_mb)
            checking, hashing = cpu_costs(path, kind, cipher)
            print(f"CPU alone: checking rows {checking:.1f} s ({checking / args.rows * 1e6:.1f} µs/row), "
                  f"keyed hash {hashing:.1f} s ({hashing / args.rows * 1e6:.1f} µs/row)")
    finally:
        if args.keep:
            print(f"kept database {name}")
        else:
            asyncio.run(drop_database(args.pg_admin_url, name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
