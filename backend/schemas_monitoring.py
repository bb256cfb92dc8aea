"""Request bodies of monitoring and early warning (监测预警), for the staff API and the console."""

from __future__ import annotations

from typing import Literal

from backend.schemas import FreeText, Strict

OutcomeCode = Literal["benefit_suspended", "benefit_adjusted", "no_change", "assistance_offered",
                      "not_eligible", "data_error"]  # the keys of rules.OUTCOMES


class AlertResolution(Strict):
    """How an alert was dealt with: an outcome code and what was found or done."""

    outcome_code: OutcomeCode
    outcome_text: FreeText
