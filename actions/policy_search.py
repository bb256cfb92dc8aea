"""Finding the FAQ entry or official unit that answers a policy question, or abstaining.

Retrieval is Okapi BM25 (implemented here) over the terms of ``policy_lexicon.Analyzer``.
FAQ entries (their questions and answer) and official units share one index; the score of
a document is its BM25 over words plus ``bigram_weight`` times a BM25 over character
bigrams (robust to segmentation and typos); an FAQ entry also gets ``question_bonus`` times
the BM25 of its single best-matching question.

Confidence of a hit: the share of the question's IDF mass (words only) the hit contains.
When the question has an anchor word (低保, 特困, 救助, 收入...) words the index does not
know count for nothing, and ``threshold`` applies; without one they count at the highest
IDF, and ``plain_threshold`` applies. Questions about another province's policies abstain
before retrieval. An official unit of a ``background`` document is only used next to an
in-force one. ``bench/qa_eval.py --compare`` shows the alternatives measured.

Nothing heavy runs at import: the index is built on the first question, once per process.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from actions.policy_lexicon import PROGRAMS, Analyzer, is_anchored, is_other_region
from actions.policy_texts import FaqEntry, PolicyLibrary, Unit, library


@dataclass(frozen=True)
class SearchConfig:
    """Knobs of the retrieval; the defaults are the measured choice (bench/qa_eval.py)."""

    k1: float = 1.2
    b: float = 0.75
    mode: Literal["mixed", "faq_first"] = "mixed"  # one index, or FAQ then articles
    faq_docs: Literal["entry", "question"] = "entry"  # an entry as one document, or each question
    question_bonus: float = 0.5  # weight of the best single-question BM25 added to an entry
    bigram_weight: float = 0.5  # weight of the character-bigram BM25
    search_mode: bool = True  # jieba cut_for_search (sub-words too) instead of the precise cut
    hmm: bool = True  # jieba guesses unknown words (else they fall apart into characters)
    unknown_weight: float | None = None  # IDF of unknown words without an anchor (None: maximum)
    threshold: float = 0.3  # confidence needed when the question has an anchor word
    plain_threshold: float = 0.6  # confidence needed without one
    program_penalty: float = 0.6  # multiplies the score of a hit missing a kind of assistance the question names
    top_k: int = 3


DEFAULT_CONFIG = SearchConfig()


@dataclass(frozen=True)
class Hit:
    """A candidate answer: an FAQ entry or an official unit."""

    kind: Literal["faq", "article"]
    key: str  # FAQ id or unit id
    score: float  # BM25 (words + bigrams + question bonus)
    confidence: float  # share of the question's IDF mass the document contains, 0..1
    faq: FaqEntry | None = None
    unit: Unit | None = None

    @property
    def in_force_unit(self) -> bool:
        return self.unit is not None and self.unit.in_force

    @property
    def background_unit(self) -> bool:
        return self.unit is not None and not self.unit.in_force


@dataclass(frozen=True)
class Answer:
    """The decision for one question."""

    hits: tuple[Hit, ...]  # candidates, best first (after the background rule)
    abstain: bool
    reason: str = ""  # "empty", "other_region", "low_confidence" or "background_only"
    units: tuple[Unit, ...] = ()  # what an article answer cites: in-force first, background after

    @property
    def best(self) -> Hit | None:
        return None if self.abstain or not self.hits else self.hits[0]


class BM25:
    """Okapi BM25 over pre-tokenised documents."""

    def __init__(self, documents: Sequence[Sequence[str]], *, k1: float, b: float) -> None:
        self.k1, self.b = k1, b
        self.tfs = [Counter(doc) for doc in documents]
        self.lengths = [len(doc) for doc in documents]
        self.avg_length = sum(self.lengths) / max(len(documents), 1)
        df: Counter[str] = Counter()
        for tf in self.tfs:
            df.update(tf.keys())
        n = len(documents)
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)  # the IDF of a word no document has

    def scores(self, query: Sequence[str]) -> list[float]:
        """The score of every document; a repeated query word counts once."""
        k1, b, avg = self.k1, self.b, self.avg_length
        weights = [(t, self.idf[t]) for t in dict.fromkeys(query) if t in self.idf]
        result = []
        for tf, length in zip(self.tfs, self.lengths, strict=True):
            norm = k1 * (1 - b + b * length / avg)
            total = 0.0
            for term, idf in weights:
                f = tf.get(term, 0)
                if f:
                    total += idf * f * (k1 + 1) / (f + norm)
            result.append(total)
        return result

    def coverage(self, query: Sequence[str], index: int, unknown_weight: float | None) -> float:
        """Share of the query's IDF mass present in document ``index``.

        A word no document has weighs ``unknown_weight`` (the maximum IDF when None).
        """
        unique = set(query)
        unknown = self.max_idf if unknown_weight is None else unknown_weight
        total = sum(self.idf.get(t, unknown) for t in unique)
        if not total:
            return 0.0
        tf = self.tfs[index]
        return sum(self.idf[t] for t in unique if t in tf) / total


@dataclass(frozen=True)
class _Doc:
    kind: Literal["faq", "article"]
    key: str
    faq: FaqEntry | None = None
    unit: Unit | None = None


class _Index:
    """A BM25 over words and, when weighted, one over character bigrams, for some documents."""

    def __init__(self, docs: list[tuple[_Doc, str]], analyzer: Analyzer, config: SearchConfig) -> None:
        self.docs = [doc for doc, _ in docs]
        self.analyzer = analyzer
        self.bigram_weight = config.bigram_weight
        self.words = BM25([analyzer.terms(text) for _, text in docs], k1=config.k1, b=config.b)
        self.bigrams = (BM25([analyzer.bigrams(text) for _, text in docs], k1=config.k1, b=config.b)
                        if config.bigram_weight else None)

    def scores(self, question: str, terms: list[str]) -> list[float]:
        scores = self.words.scores(terms)
        if self.bigrams is None:
            return scores
        grams = self.bigrams.scores(self.analyzer.bigrams(question))
        return [w + self.bigram_weight * g for w, g in zip(scores, grams, strict=True)]


class PolicyIndex:
    """BM25 over the FAQ and the official units, with the abstention rules."""

    def __init__(self, lib: PolicyLibrary, config: SearchConfig = DEFAULT_CONFIG,
                 analyzer: Analyzer | None = None) -> None:
        self.config = config
        self.analyzer = analyzer or Analyzer(search_mode=config.search_mode, hmm=config.hmm)
        faq_docs: list[tuple[_Doc, str]] = []
        for entry in lib.faq:
            doc = _Doc("faq", entry.id, faq=entry)
            if config.faq_docs == "question":
                faq_docs.extend((doc, f"{q} {entry.answer}") for q in entry.questions)
            else:
                faq_docs.append((doc, " ".join((*entry.questions, entry.answer))))
        unit_docs = [(_Doc("article", u.id, unit=u), f"{u.chapter or ''} {u.text}")
                     for u in lib.units.values() if u.label != "引言"]
        self._questions = (_Index([(_Doc("faq", e.id, faq=e), q) for e in lib.faq for q in e.questions],
                                  self.analyzer, config) if config.question_bonus else None)
        if config.mode == "mixed":
            self._indexes = [_Index(faq_docs + unit_docs, self.analyzer, config)]
        else:
            self._indexes = [_Index(faq_docs, self.analyzer, config), _Index(unit_docs, self.analyzer, config)]

    def _rank(self, question: str, terms: list[str], index: _Index) -> list[Hit]:
        scores = index.scores(question, terms)
        if self._questions is not None:
            best_question: dict[str, float] = {}
            for doc, score in zip(self._questions.docs, self._questions.scores(question, terms), strict=True):
                best_question[doc.key] = max(score, best_question.get(doc.key, 0.0))
            scores = [s + self.config.question_bonus * best_question.get(d.key, 0.0) if d.kind == "faq" else s
                      for d, s in zip(index.docs, scores, strict=True)]
        programs = PROGRAMS.intersection(terms)
        if programs and self.config.program_penalty != 1.0:
            tfs = index.words.tfs
            scores = [s if programs.issubset(tfs[i]) else s * self.config.program_penalty
                      for i, s in enumerate(scores)]
        best: dict[tuple[str, str], tuple[float, int]] = {}  # a question-level FAQ counts once
        for i, (doc, score) in enumerate(zip(index.docs, scores, strict=True)):
            known = best.get((doc.kind, doc.key))
            if score > 0 and (known is None or score > known[0]):
                best[(doc.kind, doc.key)] = (score, i)
        unknown = 0.0 if is_anchored(terms) else self.config.unknown_weight
        hits = [Hit(kind, key, score, index.words.coverage(terms, i, unknown), index.docs[i].faq, index.docs[i].unit)
                for (kind, key), (score, i) in best.items()]
        return sorted(hits, key=lambda h: (-h.score, h.key))

    def rank(self, question: str) -> list[Hit]:
        """All hits, best first, before any abstention; FAQ-first puts a confident FAQ ahead."""
        terms = self.analyzer.terms(question)
        if not terms:
            return []
        if self.config.mode == "mixed":
            return self._rank(question, terms, self._indexes[0])
        faq_hits = self._rank(question, terms, self._indexes[0])
        unit_hits = self._rank(question, terms, self._indexes[1])
        if faq_hits and faq_hits[0].confidence >= self.threshold_for(terms):
            return faq_hits + unit_hits
        return unit_hits + faq_hits

    def passage(self, unit: Unit, question: str, limit: int) -> str:
        """The sentence(s) of ``unit`` sharing most of the question's IDF mass, within ``limit``."""
        body = re.sub(r"^第[零〇一二两三四五六七八九十百]+条[\s\u3000]*", "", unit.text)
        sentences = [s for s in re.findall(r"[^。；\n]+[。；]?", body) if s.strip()]
        if not sentences:
            return ""
        wanted = set(self.analyzer.terms(question))
        idf = self._indexes[-1].words.idf

        def overlap(sentence: str) -> float:
            return sum(idf.get(t, 0.0) for t in wanted & set(self.analyzer.terms(sentence)))

        start = max(range(len(sentences)), key=lambda i: (overlap(sentences[i]), -i))
        text = sentences[start]
        for sentence in sentences[start + 1:]:
            if len(text) + len(sentence) > limit:
                break
            text += sentence
        text = text.strip()
        if len(text) > limit:
            text = text[:limit].rstrip("，；。") + "……"
        return text

    def threshold_for(self, terms: list[str]) -> float:
        """The confidence a hit needs: higher when no anchor word shows the topic."""
        return self.config.threshold if is_anchored(terms) else self.config.plain_threshold

    def answer(self, question: str) -> Answer:
        """The best hit, or an abstention with its reason."""
        terms = self.analyzer.terms(question)
        if not terms:
            return Answer((), True, "empty")
        if is_other_region(question):
            return Answer((), True, "other_region")
        threshold = self.threshold_for(terms)
        ranked = self.rank(question)[: self.config.top_k * 4]
        confident = [h for h in ranked if h.confidence >= threshold]
        # Background units are no basis on their own: keep them only beside an in-force unit.
        with_in_force = any(h.in_force_unit for h in confident)
        hits = [h for h in ranked if with_in_force or not h.background_unit]
        if not hits or hits[0].confidence < threshold:
            dropped = len(hits) < len(ranked) and ranked[0].confidence >= threshold
            return Answer(tuple(hits[: self.config.top_k]), True, "background_only" if dropped else "low_confidence")
        if hits[0].kind == "faq":
            return Answer(tuple(hits[: self.config.top_k]), False)
        units = [h.unit for h in confident if h.unit is not None]
        in_force = [u for u in units if u.in_force][:2]
        background = [u for u in units if not u.in_force][:1]
        if hits[0].unit is not None and not hits[0].unit.in_force:  # lead with the in-force unit
            hits.sort(key=lambda h: not h.in_force_unit)
        return Answer(tuple(hits[: self.config.top_k]), False, units=tuple(in_force + background))


_lock = threading.Lock()
_index: PolicyIndex | None = None


def index() -> PolicyIndex:
    """The process's index, built on first use (a few seconds: jieba loads its dictionary)."""
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = PolicyIndex(library())
    return _index


def answer(question: str) -> Answer:
    """Answers ``question`` with the default configuration."""
    return index().answer(question)
