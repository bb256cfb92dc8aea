"""Load benchmark of the case backend: concurrent whole-case submissions, then read-backs.

For each database asked for, the script starts the real backend (``python -m backend serve``)
on a loopback port with fresh secrets and a fresh database (a SQLite file in a temporary
directory, or a PostgreSQL database it creates and drops afterwards), then

1. warms up: every client submits a few cases (counted in the total, not in the figures);
2. submits ``--cases`` complete applications from ``--clients`` concurrent clients, each
   with 2-3 household members, checksum-valid ID numbers and its own ``Idempotency-Key``
   (``POST /api/v1/service/cases``);
3. reads every submitted case back as the chat that filed it
   (``GET /api/v1/service/cases/{case_no}?channel_user=...``) and checks what it gets;
4. logs in as a city-level staff user made with ``python -m backend staff create`` and checks
   that the staff case list counts every submitted case.

It prints submissions/s, reads/s, p50/p95/p99 latencies, the error count and whether every
case was read back, per database, with the CPU time each submission and read cost the backend,
PostgreSQL, this client and everything else on the machine (from ``/proc``: other work on a
shared machine shows there). All traffic stays on 127.0.0.1; the servers it started are
stopped at the end, also on errors and on Ctrl-C.

By default the clients run a closed loop (each sends its next request when it has the answer),
which measures capacity; then the mean latency is about clients / throughput, so p95 under
100 ms at 50 clients needs well over 500 requests/s. ``--rate`` offers a fixed load instead
(open loop, spread over the clients) to measure latency at that load.

Run from the repository with the backend environment's Python::

    .venv/backend/bin/python bench/backend_load.py [--db sqlite|postgres|both]
        [--clients 50] [--cases 3000] [--workers 2]

PostgreSQL is reached through ``--pg-admin-url`` (default: ``TEST_POSTGRES_URL`` or
``postgresql://postgres@127.0.0.1:5432/test``); the benchmark database is created next to
that admin database as ``jiuzhu_bench_<random>``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import importlib.util
import itertools
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from backend.privacy.id_numbers import check_digit  # noqa: E402

DEFAULT_PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
HOST = "127.0.0.1"
SERVICE_PREFIX = "/api/v1/service"
STAFF_PASSWORD = "bench-" + secrets.token_urlsafe(12)
# The goal on PostgreSQL at 50 clients.
GOAL_SUBMISSIONS_PER_S = 300.0
GOAL_SUBMIT_P95_MS = 100.0

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林谭冉向秦"
GIVEN = ("秀英", "桂兰", "建国", "志强", "淑芬", "小雨", "明", "强", "敏", "静", "伟", "芳",
         "德华", "玉梅", "海燕", "子涵", "一诺", "浩然", "光荣", "春花")
DISTRICTS = ("渝中区", "江北区", "沙坪坝区", "九龙坡区", "南岸区", "北碚区", "渝北区", "巴南区",
             "万州区", "涪陵区", "黔江区", "城口县", "巫溪县", "酉阳土家族苗族自治县")
REGIONS = ("500101", "500102", "500103", "500104", "500105", "500106", "500107", "500108",
           "500112", "500113", "500229", "500238", "500242")
HEALTH = (None, "healthy", "chronic_illness", "serious_illness", "disabled", "unable_to_work")
HARDSHIPS = ("老伴去年去世，我身体不好，儿子残疾，没有稳定收入。",
             "家里两个老人常年吃药，孩子还在读书，靠打零工维持生活。",
             "丈夫重病住院，医疗费花光了积蓄，现在没有收入来源。",
             "独自抚养孙女，年纪大了干不动活，只有一点养老金。")


# --------------------------------------------------------------------------- test data


def make_id(rng: random.Random, birth: date) -> str:
    """A checksum-valid 18-digit ID number (fictitious: region + birth date + sequence)."""
    first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + check_digit(first17)


def _birth(rng: random.Random, min_age: int, max_age: int) -> date:
    today = date.today()
    return today - timedelta(days=rng.randrange(min_age * 365 + 1, max_age * 365))


def _name(rng: random.Random, surname: str | None = None) -> str:
    return (surname or rng.choice(SURNAMES)) + rng.choice(GIVEN)


def complete_case(rng: random.Random, channel_user: str) -> dict[str, Any]:
    """A whole application shaped like `tests/backend/factories.complete_case()`."""
    surname = rng.choice(SURNAMES)
    members: list[dict[str, Any]] = [
        {"relation": rng.choice(("儿子", "女儿")), "name": _name(rng, surname),
         "id_number": make_id(rng, _birth(rng, 25, 50)),
         "monthly_income": round(rng.uniform(0, 3000), 2), "health": rng.choice(HEALTH)},
        {"relation": rng.choice(("孙子", "孙女")), "name": _name(rng, surname),
         "id_number": make_id(rng, _birth(rng, 3, 17)), "is_student": True},
    ]
    if rng.random() < 0.5:
        members.insert(0, {"relation": "配偶", "name": _name(rng),
                           "id_number": make_id(rng, _birth(rng, 55, 85)),
                           "health": rng.choice(HEALTH)})
    return {
        "channel_user": channel_user,
        "assistance_type": rng.choice(("dibao", "tekun", "linshi", "dibao_edge")),
        "applicant_name": _name(rng),
        "applicant_id_number": make_id(rng, _birth(rng, 55, 90)),
        "applicant_phone": f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
        "applicant_monthly_income": rng.randrange(0, 1500),
        "district": rng.choice(DISTRICTS),
        "street": "解放碑街道",
        "address": f"民族路{rng.randrange(1, 500)}号{rng.randrange(1, 9)}单元{rng.randrange(1, 30)}楼",
        "hukou_type": rng.choice(("urban", "rural")),
        "hardship": rng.choice(HARDSHIPS),
        "members": members,
    }


def mask_id(value: str) -> str:
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# --------------------------------------------------------------------------- results


def percentile(sorted_ms: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list (0 when empty)."""
    if not sorted_ms:
        return 0.0
    rank = max(1, round(share * len(sorted_ms) + 0.4999))
    return sorted_ms[min(rank, len(sorted_ms)) - 1]


@dataclass
class Phase:
    """Latencies and errors of one timed phase."""

    name: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu: str = ""

    def error(self, text: str) -> None:
        self.errors.append(text)

    @property
    def done(self) -> int:
        return len(self.latencies_ms)

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        ms = sorted(self.latencies_ms)
        return (f"{self.name:<12} {self.done:>6} ok in {self.seconds:6.2f} s  {self.rate:8.1f}/s  "
                f"p50 {percentile(ms, 0.50):6.1f} ms  p95 {percentile(ms, 0.95):6.1f} ms  "
                f"p99 {percentile(ms, 0.99):6.1f} ms  errors {len(self.errors)}")


@dataclass
class Submitted:
    channel_user: str
    case_no: str
    member_count: int
    applicant_masked: str


@dataclass
class RunResult:
    database: str
    workers: int
    clients: int
    rate: float | None  # offered load, or None: closed loop
    warmup: Phase
    submit: Phase
    read: Phase
    expected_total: int
    staff_total: int | None
    all_read_back: bool

    @property
    def errors(self) -> int:
        return (len(self.warmup.errors) + len(self.submit.errors) + len(self.read.errors)
                + (self.staff_total != self.expected_total))


# --------------------------------------------------------------------------- CPU use


@dataclass(frozen=True)
class CpuSample:
    """CPU seconds used so far, by whom (Linux `/proc`; zeros elsewhere)."""

    server: float  # the backend's process group
    postgres: float  # local processes named `postgres`
    bench: float  # this script
    machine: float  # every busy CPU on the machine

    @classmethod
    def take(cls, server_pid: int) -> CpuSample:
        server = postgres = 0.0
        ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        proc = Path("/proc")
        for entry in proc.iterdir() if proc.is_dir() else ():
            if not entry.name.isdigit():
                continue
            try:
                text = (entry / "stat").read_text()
            except OSError:
                continue  # gone meanwhile
            name = text[text.index("(") + 1:text.rindex(")")]
            fields = text[text.rindex(")") + 2:].split()
            used = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
            if int(fields[2]) == server_pid:  # process group
                server += used
            elif name == "postgres":
                postgres += used
        own = os.times()
        machine = 0.0
        with contextlib.suppress(OSError):
            values = [int(v) for v in (proc / "stat").read_text().split("\n", 1)[0].split()[1:9]]
            machine = (sum(values) - values[3] - values[4]) / ticks  # all but idle and iowait
        return cls(server, postgres, own.user + own.system, machine)

    def per_item_ms(self, later: CpuSample, items: int) -> str:
        if not items or not later.machine:
            return "CPU use not measured"
        # Processes that ended in between drop out of the sums: never below zero.
        ms = {name: max(getattr(later, name) - getattr(self, name), 0.0) * 1000 / items
              for name in ("server", "postgres", "bench", "machine")}
        others = ms["machine"] - ms["server"] - ms["postgres"] - ms["bench"]
        return (f"CPU ms each: backend {ms['server']:.1f}, postgres {ms['postgres']:.1f}, "
                f"bench client {ms['bench']:.1f}, other processes {max(others, 0.0):.1f}")


# --------------------------------------------------------------------------- the server


def _key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def backend_env(database_url: str, log_level: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url, "SERVICE_TOKEN": secrets.token_urlsafe(32),
        "ID_ENCRYPTION_KEY": _key(), "ID_HASH_KEY": _key(), "BACKEND_HOST": HOST,
        "LOG_LEVEL": log_level, "PYTHONUNBUFFERED": "1",
    })
    env.pop("WEB_WORKERS", None)
    return env


@contextmanager
def backend_server(env: dict[str, str], port: int, workers: int, log_path: Path) -> Iterator[int]:
    """`python -m backend serve` in its own process group; stopped (SIGTERM, then SIGKILL)."""
    command = [sys.executable, "-m", "backend", "serve", "--host", HOST, "--port", str(port),
               "--workers", str(workers)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process.pid
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
    try:  # the workers of this server, should any have outlived their supervisor
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def log_tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(errors="replace")[-chars:]


async def wait_healthy(base_url: str, log_path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(base_url + "/healthz") as response:
                    if response.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"the backend did not become healthy in {timeout:.0f} s; log tail:\n"
                       + log_tail(log_path))


def create_staff_user(env: dict[str, str], username: str) -> None:
    subprocess.run([sys.executable, "-m", "backend", "staff", "create", "--username", username,
                    "--password", STAFF_PASSWORD, "--role", "city"],
                   cwd=REPO_ROOT, env=env, check=True, capture_output=True, timeout=60)


@asynccontextmanager
async def postgres_database(admin_url: str) -> AsyncIterator[str]:
    """A fresh, empty database next to the admin database; dropped afterwards."""
    name = f"jiuzhu_bench_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(admin_url, timeout=10)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        conn = await asyncpg.connect(admin_url, timeout=10)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


# --------------------------------------------------------------------------- the load


class Load:
    """The clients and what they did."""

    def __init__(self, base_url: str, token: str, clients: int, run_id: str, seed: int,
                 rate: float | None = None) -> None:
        self.base_url = base_url
        self.rate = rate
        self.headers = {"Authorization": f"Bearer {token}"}
        self.clients = clients
        self.run_id = run_id
        self.rng = random.Random(seed)
        self.submitted: list[Submitted] = []
        self._serial = itertools.count()

    def _session(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=1, force_close=False),
            timeout=aiohttp.ClientTimeout(total=30), headers=self.headers)

    async def _slot(self, index: int, origin: float) -> float:
        """With `--rate`, wait for this request's turn; the time it was due (else now)."""
        if not self.rate:
            return time.perf_counter()
        due = origin + index / self.rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        return due  # a late request's wait counts in its latency (no coordinated omission)

    async def _submit_one(self, http: aiohttp.ClientSession, phase: Phase, started: float) -> None:
        serial = next(self._serial)
        channel_user = f"bench-{self.run_id}-{serial}"
        body = complete_case(self.rng, channel_user)
        headers = {"Idempotency-Key": f"bench-{self.run_id}-{serial}"}
        try:
            async with http.post(self.base_url + SERVICE_PREFIX + "/cases", json=body,
                                 headers=headers) as response:
                payload = await response.json(content_type=None)
                status = response.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            phase.error(f"submit: {exc.__class__.__name__}")
            return
        elapsed = (time.perf_counter() - started) * 1000
        if status != 201 or payload.get("status") != "submitted":
            phase.error(f"submit: HTTP {status} {str(payload)[:200]}")
            return
        self.submitted.append(Submitted(channel_user, payload["case_no"], len(body["members"]),
                                        mask_id(body["applicant_id_number"])))
        phase.latencies_ms.append(elapsed)

    async def submit(self, count: int, phase: Phase, timeout: float) -> None:
        remaining = itertools.count()
        origin = time.perf_counter()

        async def client() -> None:
            async with self._session() as http:
                while (index := next(remaining)) < count:
                    await self._submit_one(http, phase, await self._slot(index, origin))

        await self._timed(client, phase, timeout)

    async def read_back(self, phase: Phase, timeout: float) -> set[str]:
        """Read every submitted case as its filer; the case numbers that came back right."""
        queue = enumerate(list(self.submitted))
        read: set[str] = set()
        origin = time.perf_counter()

        async def client() -> None:
            async with self._session() as http:
                for index, case in queue:
                    url = f"{self.base_url}{SERVICE_PREFIX}/cases/{case.case_no}"
                    started = await self._slot(index, origin)
                    try:
                        async with http.get(url, params={"channel_user": case.channel_user}) as response:
                            payload = await response.json(content_type=None)
                            status = response.status
                    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                        phase.error(f"read: {exc.__class__.__name__}")
                        continue
                    elapsed = (time.perf_counter() - started) * 1000
                    if status != 200:
                        phase.error(f"read: HTTP {status} {str(payload)[:200]}")
                    elif (payload.get("case_no") != case.case_no
                          or payload.get("status") != "submitted"
                          or len(payload.get("members", ())) != case.member_count
                          or payload["applicant"]["id_number_masked"] != case.applicant_masked):
                        phase.error(f"read: case {case.case_no} came back different")
                    else:
                        read.add(case.case_no)
                        phase.latencies_ms.append(elapsed)

        await self._timed(client, phase, timeout)
        return read

    async def _timed(self, client: Callable[[], Awaitable[None]], phase: Phase,
                     timeout: float) -> None:
        started = time.perf_counter()
        try:
            await asyncio.wait_for(asyncio.gather(*(client() for _ in range(self.clients))),
                                   timeout=timeout)
        except TimeoutError:
            phase.error(f"{phase.name}: stopped after the {timeout:.0f} s time limit")
        finally:
            phase.seconds = time.perf_counter() - started

    async def staff_total(self, username: str) -> int | None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
            async with http.post(self.base_url + "/api/v1/staff/login",
                                 json={"username": username, "password": STAFF_PASSWORD}) as response:
                if response.status != 200:
                    return None
                token = (await response.json())["token"]
            async with http.get(self.base_url + "/api/v1/cases", params={"limit": "1"},
                                headers={"Authorization": f"Bearer {token}"}) as response:
                if response.status != 200:
                    return None
                return int((await response.json())["total"])


async def run_one(database: str, args: argparse.Namespace) -> RunResult:
    with tempfile.TemporaryDirectory(prefix="jiuzhu-bench-") as tmp:
        tmp_dir = Path(tmp)
        async with _database_url(database, tmp_dir, args.pg_admin_url) as url:
            env = backend_env(url, args.log_level)
            port = free_port()
            base_url = f"http://{HOST}:{port}"
            log_path = tmp_dir / "backend.log"
            with backend_server(env, port, args.workers, log_path) as server_pid:
                await wait_healthy(base_url, log_path)
                load = Load(base_url, env["SERVICE_TOKEN"], args.clients,
                            run_id=secrets.token_hex(3), seed=args.seed)
                warmup = Phase("warm-up")
                await load.submit(args.warmup, warmup, args.timeout)
                load.rate = args.rate
                submit = Phase("submissions")
                before = CpuSample.take(server_pid)
                await load.submit(args.cases, submit, args.timeout)
                between = CpuSample.take(server_pid)
                submit.cpu = before.per_item_ms(between, submit.done)
                read = Phase("reads")
                read_ok = await load.read_back(read, args.timeout)
                read.cpu = between.per_item_ms(CpuSample.take(server_pid), read.done)
                staff_total = await _staff_total(load, env)
                if args.show_log:
                    print(log_tail(log_path))
    expected = len(load.submitted)
    return RunResult(database=database, workers=args.workers, clients=args.clients,
                     rate=args.rate, warmup=warmup, submit=submit, read=read, expected_total=expected,
                     staff_total=staff_total,
                     all_read_back=len(read_ok) == expected and submit.done == args.cases)


async def _staff_total(load: Load, env: dict[str, str]) -> int | None:
    username = "bench-" + secrets.token_hex(3)
    try:
        await asyncio.to_thread(create_staff_user, env, username)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        print(f"staff create failed: {exc}", file=sys.stderr)
        return None
    return await load.staff_total(username)


@asynccontextmanager
async def _database_url(database: str, tmp_dir: Path, admin_url: str) -> AsyncIterator[str]:
    if database == "sqlite":
        yield f"sqlite:///{tmp_dir / 'backend.sqlite3'}"
        return
    async with postgres_database(admin_url) as url:
        yield url


def report(result: RunResult) -> None:
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio event loop"
    load = f"offered {result.rate:g}/s" if result.rate else "closed loop"
    print(f"\n== {result.database}: {result.clients} clients ({load}), "
          f"{result.workers} worker process(es), {loop}, {os.cpu_count()} CPUs")
    for phase in (result.submit, result.read):
        print(phase.line())
        print(" " * 13 + phase.cpu)
    staff = "failed" if result.staff_total is None else str(result.staff_total)
    print(f"staff API total {staff} of {result.expected_total} submitted; "
          f"every case read back: {'yes' if result.all_read_back else 'NO'}; "
          f"errors: {result.errors}")
    for text in sorted(set(result.warmup.errors + result.submit.errors + result.read.errors))[:10]:
        print("  error:", text)
    if result.database == "postgres":
        ms = sorted(result.submit.latencies_ms)
        met = (result.submit.rate >= GOAL_SUBMISSIONS_PER_S
               and percentile(ms, 0.95) < GOAL_SUBMIT_P95_MS
               and result.errors == 0 and result.all_read_back)
        print(f"goal (>= {GOAL_SUBMISSIONS_PER_S:.0f} submissions/s, p95 < {GOAL_SUBMIT_P95_MS:.0f} ms, "
              f"no errors, all readable): {'met' if met else 'NOT met'}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--cases", type=int, default=3000, help="timed submissions (3000)")
    parser.add_argument("--warmup", type=int, default=None,
                        help="untimed submissions first (default: 2 per client)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="backend server processes (default: CPU count)")
    parser.add_argument("--rate", type=float, default=None,
                        help="offered load in requests/s, paced across the clients (open loop; "
                             "latency counts from each request's due time); default: each "
                             "client sends its next request as soon as it has an answer")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="time limit of each phase in seconds (300)")
    parser.add_argument("--pg-admin-url",
                        default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_PG_ADMIN_URL))
    parser.add_argument("--log-level", default="INFO", help="the backend's LOG_LEVEL (INFO)")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--show-log", action="store_true", help="print the server log tail")
    return parser


async def main(args: argparse.Namespace) -> int:
    if args.warmup is None:
        args.warmup = 2 * args.clients
    if (min(args.clients, args.cases, args.workers) < 1 or args.clients > 1000
            or args.cases > 1_000_000 or args.workers > 64 or (args.rate or 1) <= 0):
        print("need 1 <= --clients <= 1000, 1 <= --cases <= 1000000, 1 <= --workers <= 64 "
              "and a positive --rate", file=sys.stderr)
        return 2
    databases = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    ok = True
    for database in databases:
        try:
            result = await run_one(database, args)
        except (OSError, asyncpg.PostgresError) as exc:
            print(f"\n== {database}: not run: {exc.__class__.__name__}: {exc}", file=sys.stderr)
            ok = False
            continue
        report(result)
        ok = ok and result.errors == 0 and result.all_read_back
    return 0 if ok else 1


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    """uvloop where it is installed (the backend then uses it too), else asyncio's loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop
    return uvloop.new_event_loop


if __name__ == "__main__":
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        sys.exit(runner.run(main(_parser().parse_args())))
