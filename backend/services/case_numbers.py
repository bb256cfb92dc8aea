"""Case numbers that cannot be guessed: date prefix plus eight random characters."""

from __future__ import annotations

import secrets
from datetime import date

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud over the phone


def new_case_no(today: date | None = None) -> str:
    day = (today or date.today()).strftime("%y%m%d")
    return f"CQ{day}-" + "".join(secrets.choice(ALPHABET) for _ in range(8))


def normalise_case_no(text: str) -> str:
    return text.strip().upper().replace(" ", "").replace("—", "-").replace("－", "-")
