"""One taxonomy for needs, help requests and directory resources (困りごとの分類).

A need (困りごと) is filed under a `NeedCategory`. Help requests keep their own codes
(`sasaeai.helpers.categories.Category`) and directory resources theirs
(`sasaeai.directory.models.Category`); this module maps each of those codes onto exactly ONE
need category, so the gap table can set needs against supply without a third list and
without counting a resource twice. `help_categories(need)` / `resource_categories(need)` give
the reverse direction (what may answer a need).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sasaeai.directory.models import Category as ResourceCategory
from sasaeai.helpers.categories import Category as HelpCategory


class NeedCategory(models.TextChoices):
    """困りごとの分類 (the seeds' most frequent first: 買い物, 外出, ゴミ出し, 孤立)."""

    SHOPPING = "shopping", _("Shopping (買い物)")
    GOING_OUT = "going_out", _("Going out and getting about (外出・移動)")
    GARBAGE = "garbage", _("Taking out the rubbish (ゴミ出し)")
    ISOLATION = "isolation", _("Isolation, someone to talk to (孤立・話し相手)")
    HOUSEWORK = "housework", _("Housework (家事)")
    MEALS = "meals", _("Meals (食事)")
    WATCHING = "watching", _("Watching over (見守り)")
    IT = "it", _("Smartphone and IT (スマホ・IT)")
    HEALTH_CARE = "health_care", _("Health and care (健康・介護)")
    ROLE = "role", _("A role and work-like activity (役割・就労的活動)")
    OTHER = "other", _("Other (その他)")


#: Help-request category → need category (every help category appears once).
HELP_TO_NEED: dict[str, str] = {
    HelpCategory.HOUSEWORK: NeedCategory.HOUSEWORK,
    HelpCategory.ESCORT_HOSPITAL: NeedCategory.GOING_OUT,
    HelpCategory.ESCORT_SHOPPING: NeedCategory.SHOPPING,
    HelpCategory.ESCORT_OUTING: NeedCategory.GOING_OUT,
    HelpCategory.TRANSPORT: NeedCategory.GOING_OUT,
    HelpCategory.WATCH_TALK: NeedCategory.ISOLATION,
    HelpCategory.IT_SUPPORT: NeedCategory.IT,
    HelpCategory.PERSONAL_CARE: NeedCategory.HEALTH_CARE,
    HelpCategory.FACILITY_SPOT: NeedCategory.ROLE,
}

#: Directory resource category → need category (every resource category appears once).
RESOURCE_TO_NEED: dict[str, str] = {
    ResourceCategory.KAYOI: NeedCategory.ISOLATION,
    ResourceCategory.EXERCISE: NeedCategory.HEALTH_CARE,
    ResourceCategory.HOBBY: NeedCategory.ISOLATION,
    ResourceCategory.TEA: NeedCategory.ISOLATION,
    ResourceCategory.MEALS: NeedCategory.MEALS,
    ResourceCategory.MOBILE_SALES: NeedCategory.SHOPPING,
    ResourceCategory.SHOPPING: NeedCategory.SHOPPING,
    ResourceCategory.TRANSPORT: NeedCategory.GOING_OUT,
    ResourceCategory.WATCHING: NeedCategory.WATCHING,
    ResourceCategory.HOUSEWORK: NeedCategory.HOUSEWORK,
    ResourceCategory.MULTIGEN: NeedCategory.ISOLATION,
    ResourceCategory.REST: NeedCategory.GOING_OUT,
    ResourceCategory.COOPERATING_STORE: NeedCategory.SHOPPING,
    ResourceCategory.WORK: NeedCategory.ROLE,
    ResourceCategory.CONSULTATION: NeedCategory.OTHER,
    ResourceCategory.CARE_PROVIDER: NeedCategory.HEALTH_CARE,
}

#: Resources that also answer a need of another category (shown as suggestions, never counted
#: twice in the gap table): rubbish help comes from housework support, watching from salons.
EXTRA_RESOURCES: dict[str, tuple[str, ...]] = {
    NeedCategory.GARBAGE: (ResourceCategory.HOUSEWORK,),
    NeedCategory.WATCHING: (ResourceCategory.MEALS,),
    NeedCategory.SHOPPING: (ResourceCategory.TRANSPORT,),
}
EXTRA_HELP: dict[str, tuple[str, ...]] = {
    NeedCategory.GARBAGE: (HelpCategory.HOUSEWORK,),
    NeedCategory.SHOPPING: (HelpCategory.HOUSEWORK,),
    NeedCategory.MEALS: (HelpCategory.HOUSEWORK,),
    NeedCategory.WATCHING: (HelpCategory.WATCH_TALK,),
}


def need_for_help(category: str) -> str:
    return HELP_TO_NEED.get(category, NeedCategory.OTHER)


def need_for_resource(category: str) -> str:
    return RESOURCE_TO_NEED.get(category, NeedCategory.OTHER)


def resource_categories(need: str) -> list[str]:
    """Directory categories that may answer a need (counted ones first)."""
    own = [code for code, target in RESOURCE_TO_NEED.items() if target == need]
    return own + [c for c in EXTRA_RESOURCES.get(need, ()) if c not in own]


def help_categories(need: str) -> list[str]:
    own = [code for code, target in HELP_TO_NEED.items() if target == need]
    return own + [c for c in EXTRA_HELP.get(need, ()) if c not in own]


def label(code: str) -> str:
    return str(NeedCategory(code).label) if code in NeedCategory.values else code
