"""Policy answers with citations: answer the latest question from the FAQ or the official
texts, or say plainly that the assistant cannot answer and offer a person.

Every answer ends with "依据：《…》第X条" and offers the article text behind a button
(``/show_article{"article_id": ...}``, handled by ``action_show_article``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import policy_search, texts
from actions.escalation import LOW_CONFIDENCE_SLOT, ActionNotUnderstood, low_confidence_turn
from actions.policy_search import Answer
from actions.policy_texts import FaqEntry, Unit, library

logger = logging.getLogger(__name__)

ARTICLE_SLOT = "article_id"
MAX_CITED = 3  # units named in one "依据" line (and buttons offered)
EXCERPT_CHARS = 110

ASK_FOR_QUESTION = "请直接说出您想了解的政策问题，比如“低保要什么条件”“存款多少不能办低保”。"
CANNOT_ANSWER = "这个问题我答不准，不想乱说。我可以帮您转给工作人员，他们会在这里回复您。"
OTHER_REGION = ("这个问题我答不准：我只了解重庆的社会救助政策，其他省市的标准和规定，"
                "请咨询当地民政部门。也可以转给工作人员帮您问。")
ARTICLE_INTRO = "这个问题没有现成的解答，相关规定原文是这样写的："
ARTICLE_CAVEAT = "您家的具体情况，请以乡镇（街道）或区县民政部门的答复为准。"
ARTICLE_MISSING = "没有找到这条规定的原文。您可以再问一次，或者转人工。"
DID_YOU_MEAN = "您是不是想问下面这些？"
SUGGESTION_FLOOR = 0.25  # confidence of an FAQ near miss worth offering
MAX_SUGGESTIONS = 3
END_OF_TURN = FollowupAction("action_listen")


def group_citations(units: Sequence[Unit]) -> str:
    """``《A》第七条、第十三条；《B》第八条``: units of one document share its title."""
    groups: dict[str, list[str]] = {}
    marks: dict[str, str] = {}
    for unit in units:
        groups.setdefault(unit.doc.title, []).append(unit.label)
        marks[unit.doc.title] = "" if unit.in_force else "（旧规定，仅供参考）"
    return "；".join(f"《{title}》{'、'.join(labels)}{marks[title]}" for title, labels in groups.items())


def article_buttons(units: Sequence[Unit]) -> list[dict[str, str]]:
    """One "show the text" button per unit; the document is named when several are cited."""
    several = len({u.doc.doc_id for u in units}) > 1
    buttons = []
    for unit in units:
        title = f"看《{unit.doc.short_name}》{unit.label}" if several else f"看{unit.label}原文"
        payload = "/show_article" + json.dumps({ARTICLE_SLOT: unit.id}, separators=(",", ":"))
        buttons.append({"title": title, "payload": payload})
    return buttons


def faq_message(entry: FaqEntry) -> tuple[str, list[dict[str, str]]]:
    cited = entry.cites[:MAX_CITED]
    lines = [entry.answer, f"依据：{group_citations(cited)}"]
    if entry.other_sources:
        lines.append(f"另参考：{'、'.join(entry.other_sources)}（区县规定以当地民政局答复为准）")
    return "\n".join(lines), article_buttons(cited)


def article_message(units: Sequence[Unit], quote: str) -> tuple[str, list[dict[str, str]]]:
    cited = list(units[:MAX_CITED])
    text = "\n".join((ARTICLE_INTRO, f"“{quote}”", ARTICLE_CAVEAT, f"依据：{group_citations(cited)}"))
    return text, article_buttons(cited)


def suggestions(result: Answer) -> list[dict[str, str]]:
    """"您是不是想问" buttons: the FAQ questions among the near misses, best first.

    The payload is the question itself, so a tap asks it as if typed.
    """
    seen: set[str] = set()
    buttons = []
    for hit in result.hits:
        if hit.faq is None or hit.confidence < SUGGESTION_FLOOR or hit.key in seen:
            continue
        seen.add(hit.key)
        question = hit.faq.questions[0]
        buttons.append({"title": question, "payload": question})
    return buttons[:MAX_SUGGESTIONS]


def render(result: Answer, question: str) -> tuple[str, list[dict[str, Any]]]:
    """The message and buttons for a search result."""
    best = result.best
    if best is None:
        if result.reason == "other_region":
            return OTHER_REGION, [texts.HUMAN_BUTTON]
        offered = suggestions(result)
        if offered:
            return CANNOT_ANSWER + "\n" + DID_YOU_MEAN, [*offered, texts.HUMAN_BUTTON]
        return CANNOT_ANSWER, [texts.HUMAN_BUTTON]
    if best.faq is not None:
        return faq_message(best.faq)
    quote = policy_search.index().passage(result.units[0], question, EXCERPT_CHARS)
    return article_message(result.units, quote)


def latest_question(tracker: Tracker) -> str:
    """The user's latest free text ('' for a button payload such as ``/ask_policy``)."""
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if text.startswith("/") else text.strip()


class ActionAnswerPolicy(Action):
    """Answers the latest user message from policy_docs/, citing document and article."""

    def name(self) -> str:
        return "action_answer_policy"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        question = latest_question(tracker)
        if not question:
            dispatcher.utter_message(text=ASK_FOR_QUESTION)
            return []
        # The first question builds the index (seconds): keep the event loop free meanwhile.
        result = await asyncio.get_running_loop().run_in_executor(None, policy_search.answer, question)
        best = result.best
        logger.info("policy answer: %s %s (confidence %.2f)", "abstain" if best is None else best.kind,
                    result.reason if best is None else best.key, best.confidence if best else 0.0)
        text, buttons = render(result, question)
        dispatcher.utter_message(text=text, buttons=buttons)
        if best is None and result.reason != "other_region":
            return await low_confidence_turn(dispatcher, tracker, reason="答不上来的政策问题")
        return []


class ActionFallback(Action):
    """When neither the NLU nor the rules knew what to do with a message.

    A question the policy texts answer confidently is answered ("存款多少就不能办低保了"
    taken for another intent); anything else is a turn not understood, and the second such
    turn in a row goes to a person (``ActionNotUnderstood``).

    It ends the turn itself: as RulePolicy's core fallback no rule follows it, and without
    the listen the fallback would be predicted again, up to Rasa's limit of ten.
    """

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        question = latest_question(tracker)
        if question:
            result = await asyncio.get_running_loop().run_in_executor(
                None, policy_search.answer, question)
            if result.best is not None:
                text, buttons = render(result, question)
                dispatcher.utter_message(text=text, buttons=buttons)
                return [SlotSet(LOW_CONFIDENCE_SLOT, None), END_OF_TURN]
        return [*await ActionNotUnderstood().run(dispatcher, tracker, domain), END_OF_TURN]


def requested_article(tracker: Tracker) -> str | None:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == ARTICLE_SLOT and entity.get("value"):
            return str(entity["value"])
    value = tracker.get_slot(ARTICLE_SLOT)
    return str(value) if value else None


def article_text(unit: Unit) -> str:
    """The unit's full text with its document, chapter, status note and source line."""
    heading = f"《{unit.doc.title}》{unit.label}" + (f"（{unit.chapter}）" if unit.chapter else "")
    source = unit.doc.source.removeprefix("<!--").removesuffix("-->").strip()
    return "\n".join((heading, unit.text, f"说明：{unit.doc.status_note}", f"来源：{source}"))


class ActionShowArticle(Action):
    """Shows the text of the unit named by the ``article_id`` entity or slot."""

    def name(self) -> str:
        return "action_show_article"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        article_id = requested_article(tracker)
        lib = await asyncio.get_running_loop().run_in_executor(None, library)
        unit = lib.units.get(article_id or "")
        if unit is None:
            dispatcher.utter_message(text=ARTICLE_MISSING, buttons=[texts.HUMAN_BUTTON])
        else:
            dispatcher.utter_message(text=article_text(unit))
        return [SlotSet(ARTICLE_SLOT, None)]
