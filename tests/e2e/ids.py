"""Fictitious but checksum-valid ID numbers for conversations."""

from __future__ import annotations

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(birth: str, sequence: int, region: str = "500103") -> str:
    first17 = f"{region}{birth}{sequence:03d}"
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def masked(number: str) -> str:
    return number[:3] + "*" * 11 + number[-4:]
