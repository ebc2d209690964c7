from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consent"
    verbose_name = _("Consent and privacy")

    def ready(self) -> None:
        from accounts.services import account_erasure_step
        from consent.services import consent_erase
        from consent.signals import user_pre_delete

        account_erasure_step(consent_erase)
        pre_delete.connect(
            user_pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="consent-user-delete"
        )
