"""Qualification (資格) codes with their labels; the implication graph and closure live
in the Django-free engine (`sasaeai.matching.qualifications`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sasaeai.matching.qualifications import GRAPH, closure


class Qualification(models.TextChoices):
    """資格: the codes of `sasaeai.matching.qualifications`."""

    KAIGO_FUKUSHISHI = "kaigo_fukushishi", _("Certified care worker (介護福祉士)")
    JITSUMUSHA_KENSHU = "jitsumusha_kenshu", _("Practitioner training (実務者研修)")
    SHONINSHA_KENSHU = "shoninsha_kenshu", _("Initial care training (介護職員初任者研修)")
    SEIKATSU_ENJO_KENSHU = "seikatsu_enjo_kenshu", _("Daily-living support training (生活援助従事者研修)")
    KANGOSHI = "kangoshi", _("Registered nurse (看護師)")
    JUN_KANGOSHI = "jun_kangoshi", _("Assistant nurse (准看護師)")
    CARE_MANAGER = "care_manager", _("Care manager (介護支援専門員)")
    WORK_SUPPORT_CM = "work_support_cm", _("Work-support care manager (ワークサポートケアマネジャー)")
    NINCHISHO_SUPPORTER = "ninchisho_supporter", _("Dementia supporter (認知症サポーター)")
    FUTSU_MENKYO = "futsu_menkyo", _("Ordinary driving licence (普通自動車免許)")
    FIRST_AID = "first_aid", _("First-aid course (普通救命講習)")


__all__ = ["GRAPH", "Qualification", "closure"]
