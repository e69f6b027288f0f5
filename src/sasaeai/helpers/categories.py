"""Request categories (依頼カテゴリ) shared by helper skills and help requests.

The three models of seed 000 — 家事・生活支援, 付き添い・移動, 見守り — plus IT help,
professional (bodily) care that needs a qualification, and facility spot support.
A helper's `skills` and a request's `category` hold these codes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """依頼カテゴリ: what kind of help is asked for / offered."""

    #: 家事・生活支援 — 掃除, 料理・作り置き, 買い物代行, ゴミ出し, 草むしり, ペットの散歩, 電球交換など
    HOUSEWORK = "housework", _("Housework and daily living (家事・生活支援)")
    #: 通院付き添い
    ESCORT_HOSPITAL = "escort_hospital", _("Escort to hospital (通院付き添い)")
    #: 買い物付き添い
    ESCORT_SHOPPING = "escort_shopping", _("Escort for shopping (買い物付き添い)")
    #: 外出付き添い
    ESCORT_OUTING = "escort_outing", _("Escort on an outing (外出付き添い)")
    #: 移動・送迎 (needs 普通自動車免許)
    TRANSPORT = "transport", _("Transport and pick-up (移動・送迎)")
    #: 見守り・話し相手 (認知症の方を含む)
    WATCH_TALK = "watch_talk", _("Watching over and conversation (見守り・話し相手)")
    #: スマホ・IT
    IT_SUPPORT = "it_support", _("Smartphone and IT help (スマホ・IT)")
    #: 専門ケア (身体介護): 介護職員初任者研修 or higher required
    PERSONAL_CARE = "personal_care", _("Professional personal care (専門ケア・身体介護)")
    #: 施設スポット支援: a care facility posts a few hours of non-bodily help
    FACILITY_SPOT = "facility_spot", _("Spot support at a care facility (施設スポット支援)")


class HouseworkTask(models.TextChoices):
    """家事・生活支援の内訳 (sub-tasks of housework)."""

    CLEANING = "cleaning", _("Cleaning (掃除)")
    COOKING = "cooking", _("Cooking and batch cooking (料理・作り置き)")
    SHOPPING_ERRAND = "shopping_errand", _("Shopping errand (買い物代行)")
    GARBAGE = "garbage", _("Taking out the rubbish (ゴミ出し)")
    WEEDING = "weeding", _("Weeding (草むしり)")
    PET_WALK = "pet_walk", _("Walking a pet (ペットの散歩)")
    LIGHT_REPAIR = "light_repair", _("Small repairs such as changing a bulb (電球交換など)")


#: Sub-task choices per category (only housework has sub-tasks).
SUBTASKS: dict[str, type[models.TextChoices]] = {Category.HOUSEWORK.value: HouseworkTask}

#: Qualification codes (see `sasaeai.matching.qualifications`) a category requires;
#: a helper must hold every code after the qualification closure.
REQUIRED_QUALIFICATIONS: dict[str, frozenset[str]] = {
    Category.PERSONAL_CARE.value: frozenset({"shoninsha_kenshu"}),
    Category.TRANSPORT.value: frozenset({"futsu_menkyo"}),
}


def required_qualifications(category: str) -> frozenset[str]:
    return REQUIRED_QUALIFICATIONS.get(category, frozenset())
