"""The console's navigation bar: the one list of top-level pages.

Add a page to the bar by adding one `NavItem` here (its route name and its Chinese label).
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.console.auth import SignedIn


@dataclass(frozen=True)
class NavItem:
    route: str  # the aiohttp route name of the page
    label: str  # what staff read in the bar
    city_only: bool = False  # shown only to the city-wide role


NAV: list[NavItem] = [
    NavItem("console_escalations", "求助队列"),
    NavItem("console_cases", "案件"),
    NavItem("console_helpers", "帮办代办人"),
    NavItem("console_objections", "公示异议"),
    NavItem("console_benefits", "免申即享"),
    NavItem("console_certifications", "资格认证"),
    NavItem("console_case_tasks", "案件任务"),
    NavItem("console_monitoring", "监测预警"),
]


def nav_for(staff: SignedIn | None) -> list[NavItem]:
    if staff is None:
        return []
    return [item for item in NAV if not item.city_only or staff.role == "city"]
