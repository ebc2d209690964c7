"""The processing purposes, each declared once: its code, texts, rules and receipt profile.

Other apps import the codes (``PurposeCode``); never spell them. Everything else about a
purpose is read from ``PURPOSES`` here: the ``Purpose`` rows (``purposes_sync``, run by the
consent migrations), the texts ``makemessages`` extracts and ``consent.purpose_texts`` lists,
and the consent receipts (``consent.receipts``). The texts are English, marked for translation;
their Bahasa Indonesia is in ``locale/id/LC_MESSAGES/django.po`` like every other string, and
pages and the ledger translate the stored English text when they show it. The name is the
code's label, so it is written once too.

Adding a purpose (docs/ARCHITECTURE.md has the recipe): a ``PurposeCode`` member and a
``PURPOSES`` entry here, its Indonesian in django.po, and a migration that calls
``purposes_sync``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class PurposeCode(models.TextChoices):
    BIOMETRIC_VERIFICATION = "biometric_verification", _("Identity verification with biometrics")
    JOB_RECOMMENDATIONS = "job_recommendations", _("Job recommendations")
    SHARE_PROFILE_WITH_EMPLOYERS = (
        "share_profile_with_employers",
        _("Share my profile when I apply"),
    )
    CANDIDATE_DISCOVERY = "candidate_discovery", _("Let employers find me")


@dataclass(frozen=True)
class ReceiptProfile:
    """How one purpose is described in the consent receipt vocabulary (Kantara v1.1)."""

    purpose_category: tuple[str, ...]
    third_party_disclosure: bool
    third_party_name: str
    spi_cat: tuple[str, ...] = ()


@dataclass(frozen=True)
class PurposeDeclaration:
    """One purpose: what the member is told, how long data is kept, how receipts describe it."""

    code: PurposeCode
    ordering: int
    description: str
    data_categories: tuple[str, ...]
    retention: str
    retention_days: int | None
    special_category: bool
    explicit: bool
    profiling: bool
    receipt: ReceiptProfile

    @property
    def name(self) -> str:
        """The code's label, untranslated (the stored text; it is translated when shown)."""
        with translation.override(None):
            return str(self.code.label)

    def texts(self) -> list[str]:
        """Every member-facing text of the purpose, in English."""
        return [self.name, self.description, *self.data_categories, self.retention]

    def row(self) -> dict[str, Any]:
        """The ``Purpose`` row's fields, as stored."""
        return {
            "code": self.code.value,
            "ordering": self.ordering,
            "name": self.name,
            "description": self.description,
            "data_categories": list(self.data_categories),
            "retention": self.retention,
            "retention_days": self.retention_days,
            "special_category": self.special_category,
            "explicit": self.explicit,
            "profiling": self.profiling,
        }


# Purpose categories from the Kantara v1.1 appendix; third parties are named as a class because
# the employer is only known when the member applies (the member is told which, on withdrawal).
PURPOSES: tuple[PurposeDeclaration, ...] = (
    PurposeDeclaration(
        code=PurposeCode.BIOMETRIC_VERIFICATION,
        ordering=1,
        description=gettext_noop(
            "We compare the face on your ID document with your selfie, to link your account to "
            "a real person through a government-issued ID, fight fraud and impersonation, and "
            "make the platform safer. This is for safety, security and identification only. It "
            "is optional: the platform works fully without it."
        ),
        data_categories=(
            gettext_noop("government ID number"),
            gettext_noop("photo of your ID document"),
            gettext_noop("selfie"),
            gettext_noop("face templates (numbers computed from the face)"),
            gettext_noop("name, date of birth and sex as on the ID"),
        ),
        retention=gettext_noop(
            "ID and selfie photos are deleted as soon as a decision is final (at most 30 days "
            "when a person reviews your case); face templates and your ID number are destroyed "
            "when you withdraw, when you close your account, or at the latest 3 years after "
            "your last interaction with us. Only the statement 'ID verified on DATE' may remain."
        ),
        retention_days=3 * 365,
        special_category=True,
        explicit=True,
        profiling=False,
        receipt=ReceiptProfile(
            purpose_category=("Core Function", "Protecting Our Interests"),
            third_party_disclosure=False,
            third_party_name="",
            spi_cat=("Biometric data (face geometry) used to identify a person",),
        ),
    ),
    PurposeDeclaration(
        code=PurposeCode.JOB_RECOMMENDATIONS,
        ordering=2,
        description=gettext_noop(
            "We use your career profile (employment and education history, skills, job "
            "preferences) and your job-search activity (jobs viewed, saved, dismissed, applied, "
            "searches) to recommend jobs, and show you why each was recommended. This is "
            "profiling: you can object at any time and still browse and search jobs."
        ),
        data_categories=(
            gettext_noop("employment history"),
            gettext_noop("education history"),
            gettext_noop("skills"),
            gettext_noop("job preferences"),
            gettext_noop("job-search activity"),
        ),
        retention=gettext_noop(
            "Activity is kept for 1 year, and deleted at once when you withdraw this consent."
        ),
        retention_days=365,
        special_category=False,
        explicit=True,
        profiling=True,
        receipt=ReceiptProfile(
            purpose_category=("Personalized Experience",),
            third_party_disclosure=False,
            third_party_name="",
        ),
    ),
    PurposeDeclaration(
        code=PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS,
        ordering=3,
        description=gettext_noop(
            "When you apply to a job, the employer's recruiters receive a copy of your career "
            "profile as it was when you applied. If you withdraw, they lose access at once and "
            "we tell you which employers had it."
        ),
        data_categories=(
            gettext_noop("career profile"),
            gettext_noop("application note"),
            gettext_noop("identity verified badge (never your ID number or photos)"),
        ),
        retention=gettext_noop(
            "Shared until you withdraw the application or this consent, or 2 years after the "
            "application closes."
        ),
        retention_days=2 * 365,
        special_category=False,
        explicit=True,
        profiling=False,
        receipt=ReceiptProfile(
            purpose_category=("3rd Party Sharing for Core Function",),
            third_party_disclosure=True,
            third_party_name="Employers you apply to",
        ),
    ),
    PurposeDeclaration(
        code=PurposeCode.CANDIDATE_DISCOVERY,
        ordering=4,
        description=gettext_noop(
            "Recruiters can find you in candidate search by your skills, titles, location and "
            "experience, and open your profile. Every profile view is shown in your access log. "
            "You can hide from your current employer."
        ),
        data_categories=(
            gettext_noop("career profile"),
            gettext_noop("skills"),
            gettext_noop("location"),
            gettext_noop("identity verified badge"),
        ),
        retention=gettext_noop(
            "Visible until you withdraw this consent or change your visibility."
        ),
        retention_days=None,
        special_category=False,
        explicit=True,
        profiling=False,
        receipt=ReceiptProfile(
            purpose_category=("3rd Party Sharing for Core Function",),
            third_party_disclosure=True,
            third_party_name="Employers using the recruiter search",
        ),
    ),
)

_BY_CODE = {declaration.code.value: declaration for declaration in PURPOSES}


def purpose_declared(code: str) -> PurposeDeclaration | None:
    """Return the declaration of the purpose with this code, None for an unknown code."""
    return _BY_CODE.get(code)


def purposes_sync(purpose_model: Any) -> None:
    """Create or update a ``Purpose`` row for every declared purpose (idempotent).

    Takes the model class, so a migration can pass its historical model
    (``apps.get_model("consent", "Purpose")``); only fields that model has are written.
    """
    fields = {field.name for field in purpose_model._meta.get_fields()}
    for declaration in PURPOSES:
        row = {key: value for key, value in declaration.row().items() if key in fields}
        code = row.pop("code")
        purpose_model.objects.update_or_create(code=code, defaults=row)
