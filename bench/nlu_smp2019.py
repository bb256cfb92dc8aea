"""Benchmark the project's NLU pipeline on the SMP2019 (ECDT task 1) split.

Trains ``config.yml`` with ``rasa train nlu`` on ``smp2019/train.yml`` and evaluates it
with ``rasa test nlu`` on ``smp2019/test.yml``, everything inside a temporary directory
(model, results, logs and Rasa's training cache, so no run reuses another's work), then
prints the training time, the intent scores and the entity scores next to the published
Rasa baseline for the same split.

Run from anywhere with the bot environment's Python::

    .venv/bot/bin/python bench/nlu_smp2019.py [--config other.yml] [--shared DIR] [--keep DIR]

The shared folder (holding ``benchmarks/smp2019``) defaults to ``../shared`` next to the
repository; override it with ``--shared`` or the ``JIUZHU_SHARED_DIR`` variable.

Candidates measured on a 2-core machine that other jobs shared (wall seconds of
``rasa train nlu`` including ~15 s of start-up; intent = weighted F1; entity = micro F1
over the CRF's tokens; every row uses the jieba tokenizer of ``config.yml``):

=====================================================================  =======  ======  ======
pipeline after the tokenizer                                           train s  intent  entity
=====================================================================  =======  ======  ======
words + char_wb 1-3, LogisticRegressionClassifier, default CRF               86   0.846   0.735
words + char 1-2, LinearSvmIntentClassifier, default CRF                    102   0.862   0.735
  ... CRF with BIO tags (BILOU off)                                           39   0.862   0.766
  ... CRF 5-token window, BILOU on                                            66   0.862   0.762
  ... CRF 5-token window, BIO tags                                            81   0.862   0.814
  ... CRF 5-token window, BIO tags, 100 iterations                            90   0.862   0.808
  ... CRF 7-token window, BIO tags (config.yml)                            42-55   0.862   0.826
words + char 1-2, LogisticRegressionClassifier, 5-token BIO CRF               86   0.832   0.814
words + char_wb 1-3, DIETClassifier 40 epochs (intents and entities)       >1500  stopped
words + char 1-2, DIETClassifier 30 epochs, no transformer, [128]          >720  stopped
published Rasa baseline                                                        -   0.78    0.77
=====================================================================  =======  ======  ======
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_ENV_VAR = "JIUZHU_SHARED_DIR"
# Published Rasa baseline on this split (SMP2019 ECDT task 1, Rasa pipeline).
BASELINE_INTENT_F1 = 0.78
BASELINE_ENTITY_F1 = 0.77
NON_ENTITY_REPORTS = {"intent_report.json", "response_selection_report.json"}
MISALIGNED_WARNING = "Misaligned entity annotation"


@dataclass(frozen=True)
class EntityScores:
    """Scores of one entity extractor, as written by ``rasa test nlu``."""

    extractor: str  # component name, e.g. "CRFEntityExtractor"
    micro_f1: float  # f1 over all entity tokens of all types
    weighted_f1: float  # per-type f1 weighted by the type's support
    support: int  # number of gold entity tokens in the test set


def default_shared_dir() -> Path:
    """Returns the shared folder: the environment override, else ``../shared``."""
    override = os.environ.get(SHARED_ENV_VAR)
    return Path(override) if override else REPO_ROOT.parent / "shared"


def run_rasa(arguments: list[str], cache_dir: Path, log: Path) -> float:
    """Runs ``python -m rasa ...`` from the repository root; returns its wall time.

    Telemetry stays off (nothing leaves the machine), the training cache lives in
    ``cache_dir`` so that timings are of real training, and the output goes to ``log``.
    """
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_CACHE_DIRECTORY": str(cache_dir),
    }
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as output:
        completed = subprocess.run(
            [sys.executable, "-m", "rasa", *arguments],
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    if completed.returncode != 0:
        sys.exit(f"rasa {arguments[0]} failed, end of its log:\n{log.read_text()[-4000:]}")
    return time.perf_counter() - started


def read_json(path: Path) -> dict[str, Any]:
    """Reads one JSON report written by ``rasa test nlu``."""
    return json.loads(path.read_text(encoding="utf-8"))


def entity_scores(results_dir: Path) -> list[EntityScores]:
    """Collects the summary scores of every entity extractor report."""
    scores = []
    for report_path in sorted(results_dir.glob("*_report.json")):
        if report_path.name in NON_ENTITY_REPORTS:
            continue
        report = read_json(report_path)
        micro = report.get("micro avg") or {}
        weighted = report.get("weighted avg") or {}
        scores.append(
            EntityScores(
                extractor=report_path.name.removesuffix("_report.json"),
                micro_f1=float(micro.get("f1-score", 0.0)),
                weighted_f1=float(weighted.get("f1-score", 0.0)),
                support=int(weighted.get("support", 0)),
            )
        )
    return scores


def print_summary(
    config: Path, train_seconds: float, test_seconds: float, work: Path
) -> None:
    """Prints the figures of one run."""
    intents = read_json(work / "results" / "intent_report.json")
    weighted = intents["weighted avg"]
    misaligned = (work / "train.log").read_text(encoding="utf-8").count(MISALIGNED_WARNING)
    print(f"SMP2019 NLU benchmark, config: {config.name}")
    print(f"  rasa train nlu            {train_seconds:8.1f} s (wall, incl. start-up)")
    print(f"  rasa test nlu             {test_seconds:8.1f} s")
    print(f"  intent weighted F1        {weighted['f1-score']:8.4f}   baseline {BASELINE_INTENT_F1}")
    print(f"  intent weighted precision {weighted['precision']:8.4f}")
    print(f"  intent weighted recall    {weighted['recall']:8.4f}")
    print(f"  intent accuracy           {intents['accuracy']:8.4f}")
    for scores in entity_scores(work / "results"):
        print(
            f"  entity F1 {scores.extractor:<22} micro {scores.micro_f1:.4f}, weighted "
            f"{scores.weighted_f1:.4f} (support {scores.support}); baseline {BASELINE_ENTITY_F1}"
        )
    print(f"  training examples whose entities do not match token boundaries: {misaligned}")


def main() -> None:
    """Parses the arguments, trains, tests and prints the summary."""
    # On SIGTERM, unwind like on Ctrl-C: subprocess.run stops the running rasa command
    # and the temporary directory is removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=REPO_ROOT / "config.yml")
    parser.add_argument("--shared", type=Path, default=default_shared_dir())
    parser.add_argument("--keep", type=Path, help="copy the reports and logs here")
    args = parser.parse_args()
    config = args.config.resolve()
    data_dir = (args.shared / "benchmarks" / "smp2019").resolve()
    for needed in (config, data_dir / "train.yml", data_dir / "test.yml"):
        if not needed.exists():
            parser.error(f"missing {needed}")

    with tempfile.TemporaryDirectory(prefix="nlu_smp2019_") as tmp:
        work = Path(tmp)
        cache, model = work / "cache", work / "models" / "smp2019.tar.gz"
        # An empty domain: the benchmark's intents are not the assistant's.
        domain = work / "domain.yml"
        domain.write_text('version: "3.1"\n', encoding="utf-8")
        train_seconds = run_rasa(
            ["train", "nlu", "--config", str(config), "--domain", str(domain),
             "--nlu", str(data_dir / "train.yml"), "--out", str(model.parent),
             "--fixed-model-name", model.name.removesuffix(".tar.gz")],
            cache, work / "train.log",
        )
        test_seconds = run_rasa(
            ["test", "nlu", "--model", str(model), "--domain", str(domain),
             "--nlu", str(data_dir / "test.yml"), "--out", str(work / "results"),
             "--no-plot"],
            cache, work / "test.log",
        )
        print_summary(config, train_seconds, test_seconds, work)
        if args.keep:
            shutil.copytree(work / "results", args.keep, dirs_exist_ok=True)
            for log in ("train.log", "test.log"):
                shutil.copy2(work / log, args.keep / log)


if __name__ == "__main__":
    main()
