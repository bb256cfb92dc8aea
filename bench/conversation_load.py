"""Concurrent applicants through Rasa's REST channel, all three servers live on loopback.

    .venv/bot/bin/python bench/conversation_load.py [--applicants 20] [--rounds 1]

Prints the cold-start time of each server, per-message latency (p50/p95/p99), messages per
second and failed conversations. A conversation fails when a reply lacks what the next step
expects or the submitted case is not in the backend afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.ids import make_id  # noqa: E402
from tests.e2e.stack import STAFF_PASSWORD, Stack, http_json, trained_model  # noqa: E402


def script(n: int) -> list[tuple[str, str]]:
    """(message, text the reply must contain) for one complete application."""
    return [
        ("你好", "社会救助"), ("我想申请低保", "给自己申请"), ("给自己申请", "名字"),
        ("王秀英", "身份证号"), (make_id("19580312", n % 1000), "手机号"), ("13800001234", "区县"),
        ("渝中", "街道"), ("解放碑街道", "住址"), (f"民族路{n}号", "户口"), ("城镇", "一起生活"),
        ("儿子李强", "身份证号"), (make_id("19850607", n % 1000), "收入"), ("两千五", "身体"),
        ("残疾", "还有别的家人"), ("没有了", "别的收入"), ("没有", "存款"), ("没有", "住房"),
        ("只有一套自住房", "汽车"), ("没有", "生意"), ("没有", "困难"),
        ("老伴走了，儿子残疾，没有稳定收入", "请核对"), ("确认提交", "案件编号"),
    ]


async def converse(http: aiohttp.ClientSession, url: str, n: int,
                   latencies: list[float]) -> str | None:
    """Returns the case number, or None when the conversation went wrong."""
    sender = f"load-{n}-{time.monotonic_ns()}"
    case_no = None
    for message, expected in script(n):
        began = time.perf_counter()
        async with http.post(url, json={"sender": sender, "message": message}) as response:
            replies = await response.json()
        latencies.append(time.perf_counter() - began)
        text = "\n".join(r.get("text", "") for r in replies)
        if response.status != 200 or expected not in text:
            print(f"  applicant {n}: after {message!r} expected {expected!r}, got {text[:80]!r}")
            return None
        if "案件编号：" in text:
            case_no = text.split("案件编号：")[1][:17]
    return case_no


async def run_load(stack: Stack, applicants: int, rounds: int) -> None:
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    latencies: list[float] = []
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        await converse(http, url, 0, [])  # warm-up: first requests load lazy parts
        began = time.perf_counter()
        results = await asyncio.gather(*(converse(http, url, i + 1, latencies)
                                         for i in range(applicants * rounds)))
        elapsed = time.perf_counter() - began
    submitted = [r for r in results if r]
    status, login = http_json("POST", f"{stack.backend_url}/api/v1/staff/login",
                              {"username": "city", "password": STAFF_PASSWORD})
    headers = {"Authorization": f"Bearer {login['token']}"}
    missing = [c for c in submitted if http_json(
        "GET", f"{stack.backend_url}/api/v1/cases/{c}", headers=headers)[0] != 200]
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    print(f"conversations: {len(results)} ({applicants} concurrent), messages: {len(latencies)}")
    print(f"per-message latency ms: p50 {pct(0.50):.0f}  p95 {pct(0.95):.0f}  "
          f"p99 {pct(0.99):.0f}  mean {statistics.mean(latencies) * 1000:.0f}")
    print(f"throughput: {len(latencies) / elapsed:.1f} messages/s over {elapsed:.1f} s")
    print(f"failed conversations: {len(results) - len(submitted)}; "
          f"submitted but not in backend: {len(missing)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applicants", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    model = trained_model()
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack.create(Path(tmp))
        try:
            stack.start(model)
            stack.backend_cli("staff", "create", "--username", "city", "--password",
                              STAFF_PASSWORD, "--role", "city")
            print("cold start s: " + ", ".join(f"{name} {seconds:.1f}"
                                               for name, seconds in stack.started_in.items()))
            asyncio.run(run_load(stack, args.applicants, args.rounds))
            for name in ("rasa", "actions", "backend"):
                errors = [line for line in stack.log(name).splitlines()
                          if " ERROR " in line or "Traceback" in line]
                if errors:
                    print(f"{name} log: {len(errors)} error lines, last: {errors[-1][:300]}")
        finally:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
