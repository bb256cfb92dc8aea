"""Accuracy of the policy answers (actions/policy_search.py) on bench/qa_questions.yml.

Prints, for the default retrieval configuration:

* top-1 / top-3: the right FAQ entry or unit is the first / among the first three hits
  (for a question labelled with a unit, only that unit counts, not an FAQ entry citing it);
* answered right: not abstained and the first hit is right;
* false abstention: in-scope questions the assistant refused;
* correct abstention: out-of-scope and other-province questions it refused.

Figures are given for all questions and for the dev half (even positions, the half to tune
on) and the test half (odd positions). ``--compare`` also prints the alternatives that were
measured (FAQ first, question-level FAQ documents, without character bigrams or the
single-question bonus, precise jieba cut, one threshold instead of two, other k1/b) and a
threshold sweep, all on the dev half. ``--misses`` lists the questions answered
wrongly.

Run from anywhere with the bot environment's Python::

    .venv/bot/bin/python bench/qa_eval.py [--compare] [--misses]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from actions.policy_search import DEFAULT_CONFIG, Analyzer, Hit, PolicyIndex, SearchConfig  # noqa: E402
from actions.policy_texts import PolicyLibrary, load_library  # noqa: E402

QUESTIONS = Path(__file__).resolve().parent / "qa_questions.yml"
THRESHOLDS = ((0.2, 0.6), (0.3, 0.4), (0.3, 0.5), (0.3, 0.6), (0.3, 0.7), (0.3, 0.8), (0.4, 0.6), (0.5, 0.6))


@dataclass(frozen=True)
class Question:
    text: str
    expect: tuple[str, ...]  # "faq:<id>", "article:<doc>/<label>" or ("abstain",)
    split: str  # "dev" or "test"

    @property
    def in_scope(self) -> bool:
        return self.expect != ("abstain",)


@dataclass(frozen=True)
class Outcome:
    question: Question
    top: tuple[Hit, ...]  # first three hits of the ranking
    abstained: bool
    reason: str


@dataclass(frozen=True)
class Figures:
    in_scope: int
    out_of_scope: int
    top1: float
    top3: float
    answered_right: float
    false_abstention: float
    correct_abstention: float


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = []
    for group in ("in_scope", "out_of_scope"):
        for i, item in enumerate(raw[group]):
            expect = item["expect"] if isinstance(item["expect"], list) else [item["expect"]]
            questions.append(Question(item["q"], tuple(expect), "dev" if i % 2 == 0 else "test"))
    return questions


def check_labels(questions: list[Question], lib: PolicyLibrary) -> None:
    """Fails loudly on a label that names no FAQ entry or unit."""
    faq_ids = {e.id for e in lib.faq}
    for q in questions:
        for label in q.expect:
            kind, _, ref = label.partition(":")
            if label == "abstain":
                continue
            if kind == "faq" and ref in faq_ids:
                continue
            if kind == "article" and lib.unit_by_label(*ref.split("/", 1)) is not None:
                continue
            raise SystemExit(f"unknown label {label!r} for {q.text!r}")


def is_right(hit: Hit, expect: tuple[str, ...], lib: PolicyLibrary) -> bool:
    for label in expect:
        kind, _, ref = label.partition(":")
        if kind == "faq" and hit.kind == "faq" and hit.key == ref:
            return True
        if kind == "article":
            unit = lib.unit_by_label(*ref.split("/", 1))
            if hit.kind == "article" and unit is not None and hit.key == unit.id:
                return True
    return False


def run(index: PolicyIndex, questions: list[Question]) -> list[Outcome]:
    outcomes = []
    for q in questions:
        ranking = index.rank(q.text)
        decision = index.answer(q.text)
        outcomes.append(Outcome(q, tuple(ranking[:3]), decision.abstain, decision.reason))
    return outcomes


def figures(outcomes: list[Outcome], lib: PolicyLibrary) -> Figures:
    inside = [o for o in outcomes if o.question.in_scope]
    outside = [o for o in outcomes if not o.question.in_scope]

    def share(count: int, total: int) -> float:
        return count / total if total else 0.0

    top1 = sum(bool(o.top) and is_right(o.top[0], o.question.expect, lib) for o in inside)
    top3 = sum(any(is_right(h, o.question.expect, lib) for h in o.top) for o in inside)
    right = sum(not o.abstained and bool(o.top) and is_right(o.top[0], o.question.expect, lib)
                for o in inside)
    return Figures(len(inside), len(outside), share(top1, len(inside)), share(top3, len(inside)),
                   share(right, len(inside)), share(sum(o.abstained for o in inside), len(inside)),
                   share(sum(o.abstained for o in outside), len(outside)))


def print_figures(title: str, outcomes: list[Outcome], lib: PolicyLibrary) -> None:
    print(title)
    print(f"  {'split':<6} {'in':>4} {'out':>4} {'top-1':>7} {'top-3':>7} {'answered right':>15} "
          f"{'false abst.':>12} {'correct abst.':>14}")
    for split in ("all", "dev", "test"):
        chosen = [o for o in outcomes if split == "all" or o.question.split == split]
        f = figures(chosen, lib)
        print(f"  {split:<6} {f.in_scope:>4} {f.out_of_scope:>4} {f.top1:>7.1%} {f.top3:>7.1%} "
              f"{f.answered_right:>15.1%} {f.false_abstention:>12.1%} {f.correct_abstention:>14.1%}")


def variants() -> list[tuple[str, SearchConfig]]:
    """The alternatives measured against the default configuration."""
    d = DEFAULT_CONFIG
    replace = dataclasses.replace
    found: list[tuple[str, SearchConfig]] = [
        ("default", d),
        ("FAQ first, then articles", replace(d, mode="faq_first")),
        ("FAQ documents per question (best question counts)", replace(d, faq_docs="question")),
        ("no single-question bonus", replace(d, question_bonus=0.0)),
        ("single-question bonus 1.0", replace(d, question_bonus=1.0)),
        ("no penalty for a missing kind of assistance", replace(d, program_penalty=1.0)),
        ("no character bigrams", replace(d, bigram_weight=0.0)),
        ("character bigrams weight 1.0", replace(d, bigram_weight=1.0)),
        ("precise jieba cut (not search mode)", replace(d, search_mode=False)),
        ("jieba without HMM for unknown words", replace(d, hmm=False)),
        ("unknown words IDF 1.0 without anchor", replace(d, unknown_weight=1.0)),
        ("one threshold 0.3 (anchors ignored)", replace(d, plain_threshold=d.threshold)),
        ("one threshold 0.6 (anchors ignored)", replace(d, threshold=d.plain_threshold)),
    ]
    found += [(f"k1={k1} b={b}", replace(d, k1=k1, b=b))
              for k1, b in ((0.9, 0.4), (1.2, 0.5), (1.5, 0.75), (2.0, 0.75), (1.2, 0.9))]
    return found


def compare(lib: PolicyLibrary, questions: list[Question]) -> None:
    """The alternatives measured, on the dev half, then the threshold sweep of the default."""
    dev = [q for q in questions if q.split == "dev"]
    analyzers: dict[tuple[bool, bool], Analyzer] = {}

    def evaluate(config: SearchConfig) -> Figures:
        key = (config.search_mode, config.hmm)
        if key not in analyzers:
            analyzers[key] = Analyzer(search_mode=config.search_mode, hmm=config.hmm)
        return figures(run(PolicyIndex(lib, config, analyzers[key]), dev), lib)

    print("Alternatives on the dev half (each at the default threshold):")
    print(f"  {'variant':<52} {'top-1':>7} {'top-3':>7} {'answered right':>15} {'false abst.':>12} "
          f"{'correct abst.':>14}")
    for name, config in variants():
        f = evaluate(config)
        print(f"  {name:<52} {f.top1:>7.1%} {f.top3:>7.1%} {f.answered_right:>15.1%} "
              f"{f.false_abstention:>12.1%} {f.correct_abstention:>14.1%}")
    print("\nThreshold sweep of the default configuration, dev half (anchored / plain threshold):")
    print(f"  {'threshold':>9} {'plain':>6} {'answered right':>15} {'false abst.':>12} {'correct abst.':>14}")
    for threshold, plain in THRESHOLDS:
        f = evaluate(dataclasses.replace(DEFAULT_CONFIG, threshold=threshold, plain_threshold=plain))
        print(f"  {threshold:>9.2f} {plain:>6.2f} {f.answered_right:>15.1%} {f.false_abstention:>12.1%} "
              f"{f.correct_abstention:>14.1%}")


def print_misses(outcomes: list[Outcome], lib: PolicyLibrary) -> None:
    print("\nMisses (answered wrongly or refused when in scope; answered when out of scope):")
    for o in outcomes:
        q = o.question
        first = o.top[0] if o.top else None
        shown = ", ".join(f"{h.kind}:{h.key}({h.confidence:.2f})" for h in o.top) or "-"
        if q.in_scope and (o.abstained or first is None or not is_right(first, q.expect, lib)):
            print(f"  [{q.split}] {q.text}  expect {'|'.join(q.expect)}  got {shown}"
                  f"{'  ABSTAIN ' + o.reason if o.abstained else ''}")
        elif not q.in_scope and not o.abstained:
            print(f"  [{q.split}] {q.text}  expect abstain  got {shown}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="also measure the alternatives")
    parser.add_argument("--misses", action="store_true", help="list the wrong answers")
    args = parser.parse_args(argv)
    lib = load_library()
    questions = load_questions()
    check_labels(questions, lib)
    index = PolicyIndex(lib, DEFAULT_CONFIG)
    outcomes = run(index, questions)
    c = DEFAULT_CONFIG
    print_figures(f"Policy answers: mode={c.mode} faq_docs={c.faq_docs} k1={c.k1} b={c.b} "
                  f"bigrams={c.bigram_weight} question_bonus={c.question_bonus} "
                  f"threshold={c.threshold} (plain {c.plain_threshold})", outcomes, lib)
    if args.misses:
        print_misses(outcomes, lib)
    if args.compare:
        print()
        compare(lib, questions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
