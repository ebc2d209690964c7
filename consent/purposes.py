"""The processing purposes other apps ask about. Import these codes; never spell them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PurposeCode(models.TextChoices):
    BIOMETRIC_VERIFICATION = "biometric_verification", _("Identity verification with biometrics")
    JOB_RECOMMENDATIONS = "job_recommendations", _("Job recommendations")
    SHARE_PROFILE_WITH_EMPLOYERS = (
        "share_profile_with_employers",
        _("Share my profile when I apply"),
    )
    CANDIDATE_DISCOVERY = "candidate_discovery", _("Let employers find me")
