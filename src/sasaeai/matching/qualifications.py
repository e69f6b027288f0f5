"""Qualification graph (資格の包含関係).

`GRAPH[code]` lists the codes a qualification directly implies: a 介護福祉士 may do whatever a
実務者研修 graduate may, who may do whatever an 初任者研修 graduate may, and so on. `closure()`
follows the edges transitively, so a task that requires "shoninsha_kenshu" accepts a
"kaigo_fukushishi". Unknown codes are kept as they are (they imply only themselves).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

GRAPH: dict[str, frozenset[str]] = {
    "kaigo_fukushishi": frozenset({"jitsumusha_kenshu"}),  # 介護福祉士
    "jitsumusha_kenshu": frozenset({"shoninsha_kenshu"}),  # 実務者研修
    "shoninsha_kenshu": frozenset({"seikatsu_enjo_kenshu"}),  # 介護職員初任者研修
    "seikatsu_enjo_kenshu": frozenset(),  # 生活援助従事者研修
    "kangoshi": frozenset({"jun_kangoshi"}),  # 看護師
    "jun_kangoshi": frozenset(),  # 准看護師
    "care_manager": frozenset(),  # 介護支援専門員
    "work_support_cm": frozenset({"care_manager"}),  # ワークサポートケアマネジャー (主任ケアマネジャー)
    "ninchisho_supporter": frozenset(),  # 認知症サポーター
    "futsu_menkyo": frozenset(),  # 普通自動車免許
    "first_aid": frozenset(),  # 普通救命講習
}

CODES: tuple[str, ...] = tuple(GRAPH)

# Display names, hard-coded here because the engine is Django-free (no gettext).
LABELS: dict[str, dict[str, str]] = {
    "kaigo_fukushishi": {"ja": "介護福祉士", "en": "Certified care worker"},
    "jitsumusha_kenshu": {"ja": "実務者研修", "en": "Practitioner training"},
    "shoninsha_kenshu": {"ja": "介護職員初任者研修", "en": "Care worker initial training"},
    "seikatsu_enjo_kenshu": {"ja": "生活援助従事者研修", "en": "Daily-life support training"},
    "kangoshi": {"ja": "看護師", "en": "Registered nurse"},
    "jun_kangoshi": {"ja": "准看護師", "en": "Assistant nurse"},
    "care_manager": {"ja": "介護支援専門員", "en": "Care manager"},
    "work_support_cm": {"ja": "ワークサポートケアマネジャー", "en": "Work-support care manager"},
    "ninchisho_supporter": {"ja": "認知症サポーター", "en": "Dementia supporter"},
    "futsu_menkyo": {"ja": "普通自動車免許", "en": "Driving licence"},
    "first_aid": {"ja": "普通救命講習", "en": "First-aid course"},
}


@lru_cache(maxsize=4096)
def _closure(codes: frozenset[str]) -> frozenset[str]:
    seen: set[str] = set()
    stack = list(codes)
    while stack:
        code = stack.pop()
        if code in seen:
            continue
        seen.add(code)
        stack.extend(GRAPH.get(code, ()))
    return frozenset(seen)


def closure(codes: Iterable[str]) -> frozenset[str]:
    """All qualifications implied by `codes` (including themselves)."""
    return _closure(frozenset(codes))


def satisfies(held: Iterable[str], required: Iterable[str]) -> bool:
    """True when the held qualifications (closed over the graph) cover every required one."""
    return frozenset(required) <= closure(held)


def label(code: str, lang: str = "ja") -> str:
    return LABELS.get(code, {}).get(lang, code)
