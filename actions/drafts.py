"""Keeping the backend draft in step with the conversation.

Every answer goes to the backend the moment it is given. When the backend cannot take it, the
answer waits in the `unsynced` slot and goes with the next save, so nothing is lost.
"""

from __future__ import annotations

import uuid
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import texts
from actions.backend_client import BackendUnavailable, backend

MEMBERS_KEY = "_members"  # members waiting in `unsynced`: list of member bodies with a key
HELPER_KEY = "_helper"


def _pending(tracker: Tracker) -> dict[str, Any]:
    return dict(tracker.get_slot("unsynced") or {})


async def ensure_draft(tracker: Tracker) -> str:
    """The case number of this conversation's draft, creating the draft if needed."""
    case_no = tracker.get_slot("case_no")
    if case_no:
        return str(case_no)
    key = tracker.get_slot("draft_key") or f"draft-{tracker.sender_id}"
    draft = await backend().create_draft(
        tracker.sender_id, for_self=tracker.get_slot("applying_for") != "other",
        assistance_type=None, key=str(key))
    return str(draft["case_no"])


async def save(tracker: Tracker, dispatcher: CollectingDispatcher,
               fields: dict[str, Any] | None = None,
               member: dict[str, Any] | None = None,
               helper: dict[str, Any] | None = None) -> dict[str, Any]:
    """Send these answers (and any that were waiting) to the backend draft.

    Returns the slot updates: `case_no` and what is still `unsynced`. A refusal by the backend
    (BackendRefused) propagates: the caller treats it as an invalid answer.
    """
    pending = _pending(tracker)
    pending.update(fields or {})
    if member is not None:
        pending[MEMBERS_KEY] = [*pending.get(MEMBERS_KEY, []),
                                {**member, "_key": uuid.uuid4().hex}]
    if helper is not None:
        pending[HELPER_KEY] = helper
    case_no = tracker.get_slot("case_no")
    try:
        case_no = await ensure_draft(tracker)
        await flush(case_no, tracker.sender_id, pending)
    except BackendUnavailable:
        if not tracker.get_slot("unsynced"):
            dispatcher.utter_message(text=texts.SAVED_LATER)
        return {"case_no": case_no, "unsynced": pending}
    return {"case_no": case_no, "unsynced": None}


async def flush(case_no: str, sender: str, pending: dict[str, Any]) -> None:
    """Write pending answers in order; what was written is removed from `pending`."""
    helper = pending.get(HELPER_KEY)
    if helper:
        await backend().set_helper(case_no, sender, helper)
        pending.pop(HELPER_KEY)
    fields = {k: v for k, v in pending.items() if not k.startswith("_")}
    if fields:
        await backend().update_draft(case_no, sender, fields)
        for name in fields:
            pending.pop(name)
    members = pending.get(MEMBERS_KEY, [])
    while members:
        body = {k: v for k, v in members[0].items() if k != "_key"}
        await backend().add_member(case_no, sender, body, key=members[0]["_key"])
        members.pop(0)
    pending.pop(MEMBERS_KEY, None)


def slots_from_draft(draft: dict[str, Any]) -> dict[str, Any]:
    """Slot values for a draft read back from the backend (numbers only in masked form)."""
    applicant = draft["applicant"]
    helper = draft.get("helper")
    values: dict[str, Any] = {
        "case_no": draft["case_no"],
        "assistance_type": draft["assistance_type"],
        "applicant_name": applicant["name"],
        "applicant_id_number": applicant["id_number_masked"],
        "applicant_phone": applicant["phone_masked"],
        "district": draft["district"], "street": draft["street"], "address": draft["address"],
        "hukou_type": draft["hukou_type"], "hardship": draft["hardship"],
        "housing": draft["housing"], "vehicle": draft["vehicle"], "business": draft["business"],
        "other_income": _amount_text(draft["other_income"]),
        "deposits": _amount_text(draft["deposits"]),
    }
    if helper:
        values.update(applying_for="other", helper_name=helper["name"],
                      helper_relation=helper["relation"],
                      helper_phone=helper["phone_masked"] or "未填")
    elif applicant["name"]:
        values["applying_for"] = "self"
    return values


def _amount_text(value: float | None) -> str | None:
    return None if value is None else f"{value:g}"
