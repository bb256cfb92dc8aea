"""Train the Rasa model unless one for exactly this config and data exists (bot env).

The model is named by a hash of everything that shapes it, so `make run`, `make train` and the
test session all reuse one trained model until config, domain, data or components change.
Prints the model path on the last line.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ("config.yml", "bot/domain", "data", "bot/jieba", "bot/components")
MODELS = ROOT / "models"


def fingerprint() -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def trained_model() -> Path:
    MODELS.mkdir(exist_ok=True)
    name = f"model-{fingerprint()}"
    target = MODELS / f"{name}.tar.gz"
    with open(MODELS / ".train.lock", "w") as lock:  # one training at a time
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            print(f"model is up to date: {target.relative_to(ROOT)}", file=sys.stderr)
            return target
        print(f"training {target.relative_to(ROOT)} ...", file=sys.stderr)
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
        subprocess.run(
            [sys.executable, "-m", "rasa", "train", "--config", "config.yml", "--domain",
             "bot/domain", "--data", "data", "--out", str(MODELS), "--fixed-model-name", name],
            cwd=ROOT, env=env, check=True)
        for old in MODELS.glob("model-*.tar.gz"):  # keep the cache small
            if old != target:
                old.unlink()
    return target


if __name__ == "__main__":
    print(trained_model().relative_to(ROOT))
