from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    """研修: courses with sessions as events, completions that grant helper qualifications,
    certificates (修了証) with a public verification page."""

    name = "sasaeai.training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from sasaeai.helpers.models import HelperProfile

        from . import services

        post_save.connect(services.on_helper_profile_saved, sender=HelperProfile,
                          dispatch_uid="training_apply_pending_qualifications")
