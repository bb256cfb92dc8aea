"""Cross-validation of the project's NLU on its own training data (`make nlu-eval`).

    .venv/bot/bin/python bench/nlu_eval.py [--folds 3]

Prints intent F1 per class and entity F1 per entity from `rasa test nlu --cross-validation`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def table(title: str, report: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"{'class':<24}{'precision':>10}{'recall':>10}{'f1':>8}{'support':>9}")
    for name, row in sorted(report.items()):
        if isinstance(row, dict) and "f1-score" in row:
            print(f"{name:<24}{row['precision']:>10.3f}{row['recall']:>10.3f}"
                  f"{row['f1-score']:>8.3f}{int(row['support']):>9}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [sys.executable, "-m", "rasa", "test", "nlu", "--nlu", "data/nlu", "--config",
             "config.yml", "--cross-validation", "--folds", str(args.folds), "--out", out],
            cwd=ROOT, check=True, env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
            stdout=subprocess.DEVNULL)
        intents = json.loads((Path(out) / "intent_report.json").read_text())
        table("intent (cross-validation)", intents)
        for report in sorted(Path(out).glob("*Extractor_report.json")):
            table(f"entities: {report.stem.replace('_report', '')}",
                  json.loads(report.read_text()))
        summary = intents.get("weighted avg", {})
        print(f"\nintent weighted F1: {summary.get('f1-score', 0):.3f}  "
              f"accuracy: {intents.get('accuracy', 0):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
