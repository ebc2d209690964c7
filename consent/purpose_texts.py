"""The consent texts stored in the database, listed here so ``makemessages`` extracts them.

Purposes and the privacy policy are seeded by ``consent/migrations/0002_seed_purposes_and_policy``
and translated when they are shown (``consent.services.consent_text_render`` and the consent
templates call gettext on the stored English text). gettext only finds a translation for a
string that is in the catalogue, so every stored text is repeated here verbatim;
``tests/test_translations.py`` fails when this list and the migration drift apart. Access-log
categories are here too because the privacy centre translates them for display.
``purpose_texts_in`` is the one place Python code translates a purpose's texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class PurposeTexts:
    """A purpose's member-facing texts in one language."""

    name: str
    description: str
    data_categories: list[str]
    retention: str


def purpose_texts_in(purpose: Any, language: str) -> PurposeTexts:
    """Return the purpose's stored English texts translated into ``language``."""
    with translation.override(language):
        return PurposeTexts(
            name=translation.gettext(purpose.name),
            description=translation.gettext(purpose.description),
            data_categories=[translation.gettext(c) for c in purpose.data_categories],
            retention=translation.gettext(purpose.retention),
        )


PURPOSE_TEXTS = [
    # biometric_verification
    gettext_noop("Identity verification with biometrics"),
    gettext_noop(
        "We compare the face on your ID document with your selfie, to link your account to a "
        "real person through a government-issued ID, fight fraud and impersonation, and make "
        "the platform safer. This is for safety, security and identification only. It is "
        "optional: the platform works fully without it."
    ),
    gettext_noop("government ID number"),
    gettext_noop("photo of your ID document"),
    gettext_noop("selfie"),
    gettext_noop("face templates (numbers computed from the face)"),
    gettext_noop("name, date of birth and sex as on the ID"),
    gettext_noop(
        "ID and selfie photos are deleted as soon as a decision is final (at most 30 days "
        "when a person reviews your case); face templates and your ID number are destroyed "
        "when you withdraw, when you close your account, or at the latest 3 years after your "
        "last interaction with us. Only the statement 'ID verified on DATE' may remain."
    ),
    # job_recommendations
    gettext_noop("Job recommendations"),
    gettext_noop(
        "We use your career profile (employment and education history, skills, job "
        "preferences) and your job-search activity (jobs viewed, saved, dismissed, applied, "
        "searches) to recommend jobs, and show you why each was recommended. This is "
        "profiling: you can object at any time and still browse and search jobs."
    ),
    gettext_noop("employment history"),
    gettext_noop("education history"),
    gettext_noop("skills"),
    gettext_noop("job preferences"),
    gettext_noop("job-search activity"),
    gettext_noop(
        "Activity is kept for 1 year, and deleted at once when you withdraw this consent."
    ),
    # share_profile_with_employers
    gettext_noop("Share my profile when I apply"),
    gettext_noop(
        "When you apply to a job, the employer's recruiters receive a copy of your career "
        "profile as it was when you applied. If you withdraw, they lose access at once and "
        "we tell you which employers had it."
    ),
    gettext_noop("career profile"),
    gettext_noop("application note"),
    gettext_noop("identity verified badge (never your ID number or photos)"),
    gettext_noop(
        "Shared until you withdraw the application or this consent, or 2 years after the "
        "application closes."
    ),
    # candidate_discovery
    gettext_noop("Let employers find me"),
    gettext_noop(
        "Recruiters can find you in candidate search by your skills, titles, location and "
        "experience, and open your profile. Every profile view is shown in your access log. "
        "You can hide from your current employer."
    ),
    gettext_noop("location"),
    gettext_noop("identity verified badge"),
    gettext_noop("Visible until you withdraw this consent or change your visibility."),
]

POLICY_TEXTS = [
    # Privacy policy 2023-09-29: summary of changes and full text.
    gettext_noop(
        "Adds biometric identity verification for premium members, and the use of career "
        "data for job recommendations, sharing with employers when you apply, and "
        "candidate discovery."
    ),
    gettext_noop("""Privacy policy, version 2023-09-29

1. Who we are. The platform is the controller of your personal data.

2. Biometric information. With your explicit consent, given separately from everything else,
we collect and use biometric information from the photo of your government ID and from your
selfie, for safety, security and identification purposes: to link your account to a real person
through a government-issued ID (for Indonesia, the NIK on your KTP), to fight fraud and
impersonation, and to make the platform safer. This is offered to premium members and is
optional; it is never a condition of using the basic service.

3. Career information. With your consent we collect your employment history, education history,
job preferences, skills and abilities, and your job-search activity and engagement, to recommend
jobs to you, to share your profile with a prospective employer when you apply, and to let
employers find you as a potential candidate.

4. Your rights. You may see every consent you gave and withdraw it as easily as you gave it; see
who accessed your data; download all of it in a machine-readable file; and delete your account.
Processing stops when you withdraw consent, within 3 x 24 hours at the latest.

5. Retention. Each purpose states how long its data is kept. Biometric data is destroyed when
the purpose is met or at the latest 3 years after your last interaction, whichever comes first.
We never sell biometric data or disclose it without your consent.
"""),
]

ACCESS_CATEGORIES = [
    # consent.templatetags.consent_tags.readable() turns stored categories into these labels.
    gettext_noop("Biometric images"),
    gettext_noop("Career profile"),
    gettext_noop("Career profile (application)"),
    gettext_noop("Data export"),
    # ... and access purposes that are not consent purposes.
    gettext_noop("Identity verification review"),
    gettext_noop("Access request"),
]
