"""Who is certifying: one pluggable identity check, chosen by the IDENTITY_VERIFIER setting.

A verifier asks questions (`start`) and judges the answers (`check`); the certification
service around it stores the check, counts failures and locks. The shipped verifier is
knowledge-based: the applicant's name, the tail of their ID number and one fact from the
case that the backend picks and compares itself — the chat never sees the fact.

A real face-verification service plugs in the same way: a class whose `start` creates a
session with the provider and returns one question (open this link, then reply "好了") with
the provider's session id in `state`, and whose `check` asks the provider for the result;
add it to `VERIFIERS` and set IDENTITY_VERIFIER to its name.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any, Protocol

from backend.models import Case
from backend.privacy.crypto import PersonalDataCipher
from backend.settings import Settings, SettingsError


@dataclass(frozen=True)
class IdentityQuestion:
    key: str  # the answer's key in `check(answers=...)`
    text: str  # what the person is asked, in Chinese


@dataclass(frozen=True)
class Challenge:
    questions: tuple[IdentityQuestion, ...]  # asked in this order
    state: dict[str, Any] = field(default_factory=dict)  # kept by the backend, never sent out


class IdentityVerifier(Protocol):
    """Checks that the person in the chat is the recipient of `case`."""

    method: str  # stored with each check and certification

    async def start(self, *, case: Case, channel_user: str) -> Challenge:
        """The questions to ask, and any state `check` needs later."""
        ...

    async def check(self, *, case: Case, state: dict[str, Any], answers: dict[str, str]) -> bool:
        """True when the answers prove the identity."""
        ...


FACT_QUESTIONS = {
    "household_size": "您家登记的共同生活的家庭人口一共几口人（算上您自己）？",
    "street": "您申请时登记的住址在哪个街道（乡镇）？",
}

_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                   "七": 7, "八": 8, "九": 9}


def count_in(text: str) -> int | None:
    """A small count from '3' / '三口人' / '一家三口' / '十二个人'; None when there is none."""
    number = r"(\d+|[一二两俩三四五六七八九十]+)"
    match = re.search(number + r"\s*[口个人位]", text) or re.search(number, text)
    if not match:
        return None
    word = match.group(1)
    if word.isdigit():
        return int(word)
    if "十" in word:
        tens, _, ones = word.partition("十")
        return _CHINESE_DIGITS.get(tens, 1) * 10 + _CHINESE_DIGITS.get(ones, 0)
    return _CHINESE_DIGITS.get(word) if len(word) == 1 else None


def _place_core(text: str, district: str | None) -> str:
    """'渝中区解放碑街道' / '解放碑街道办事处' / ' 解放碑 ' → '解放碑' (both sides alike)."""
    value = re.sub(r"[\s，。,.!！]", "", text)
    for prefix in ("我住在", "住在", "重庆市", "重庆", district or "-", (district or "-")[:2]):
        value = value.removeprefix(prefix)
    return re.sub(r"(街道办事处|街道办|街道|镇|乡)$", "", value)


class KnowledgeVerifier:
    """Name + ID-number tail (last 4 or 6) + one fact from the case."""

    method = "knowledge"

    def __init__(self, cipher: PersonalDataCipher) -> None:
        self._cipher = cipher

    async def start(self, *, case: Case, channel_user: str) -> Challenge:
        facts = [name for name in FACT_QUESTIONS if self._fact(case, name) is not None]
        fact = secrets.choice(facts) if facts else None
        questions = [IdentityQuestion("name", "请输入享受救助的申请人本人的姓名。"),
                     IdentityQuestion("id_tail", "请输入申请人身份证号的最后4位（或最后6位）。")]
        if fact:
            questions.append(IdentityQuestion("fact", FACT_QUESTIONS[fact]))
        return Challenge(questions=tuple(questions), state={"fact": fact})

    async def check(self, *, case: Case, state: dict[str, Any], answers: dict[str, str]) -> bool:
        applicant = case.applicant
        if applicant is None or not applicant.name or not applicant.id_number_enc:
            return False
        name_ok = re.sub(r"\s", "", answers.get("name", "")) == applicant.name
        tail = re.sub(r"\s", "", answers.get("id_tail", "")).upper()
        id_number = self._cipher.decrypt(applicant.id_number_enc)
        tail_ok = len(tail) in (4, 6) and id_number.endswith(tail)
        fact = state.get("fact")
        fact_ok = fact is None or self._fact_matches(case, fact, answers.get("fact", ""))
        return name_ok and tail_ok and fact_ok  # all three judged: no hint which one failed

    @staticmethod
    def _fact(case: Case, name: str) -> Any:
        return {"household_size": case.household_size, "street": case.street or None}.get(name)

    def _fact_matches(self, case: Case, name: str, answer: str) -> bool:
        expected = self._fact(case, name)
        if expected is None:
            return False
        if name == "household_size":
            return count_in(answer) == expected
        said = _place_core(answer, case.district)
        return len(said) >= 2 and said == _place_core(str(expected), case.district)


VERIFIERS = {"knowledge": KnowledgeVerifier}


def verifier_for(settings: Settings, cipher: PersonalDataCipher) -> IdentityVerifier:
    """The verifier the IDENTITY_VERIFIER setting names."""
    try:
        factory = VERIFIERS[settings.identity_verifier]
    except KeyError as exc:
        raise SettingsError(f"IDENTITY_VERIFIER must be one of {sorted(VERIFIERS)}") from exc
    return factory(cipher)
