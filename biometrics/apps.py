from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BiometricsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "biometrics"
    verbose_name = _("Identity verification")

    def ready(self) -> None:
        from biometrics import gallery, privacy  # noqa: F401  (gallery: tombstone receiver)
