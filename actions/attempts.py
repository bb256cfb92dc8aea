"""Counting failed answers per field, so the assistant never asks the same question in a loop:
the second failure explains differently and offers a person (the financial-demo pattern)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import texts


def reject(slot: str, tracker: Tracker, dispatcher: CollectingDispatcher,
           reason: str) -> dict[str, Any]:
    """Say why the answer did not work and clear the slot so the form asks again."""
    counts = dict(tracker.get_slot("failed_attempts") or {})
    counts[slot] = counts.get(slot, 0) + 1
    if counts[slot] >= 2:
        dispatcher.utter_message(
            text=f"{reason}\n{texts.EXPLAIN.get(slot, texts.GENERIC_EXPLAIN)}\n需要的话也可以找工作人员帮您。",
            buttons=[texts.HUMAN_BUTTON])
    else:
        dispatcher.utter_message(text=reason)
    return {slot: None, "failed_attempts": counts}


def accept(slot: str, tracker: Tracker, value: Any, **more: Any) -> dict[str, Any]:
    """Keep the answer and forget earlier failures on this field."""
    counts = dict(tracker.get_slot("failed_attempts") or {})
    counts.pop(slot, None)
    return {slot: value, "failed_attempts": counts or None, **more}


def parsed(slot: str, value: Any, parse: Callable[[str], Any], dispatcher: CollectingDispatcher,
           hint: str) -> dict[str, Any]:
    """The answer through `parse`; when that finds nothing, say how to answer (the form asks
    again). For short closed fields (codes, ID tails) where explaining is enough."""
    result = parse(str(value))
    if result is None:
        dispatcher.utter_message(text=hint)
    return {slot: result}
