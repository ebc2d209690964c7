"""The consent texts stored in the database, and the one place Python translates them.

Stored texts are translated when they are shown (``consent.services.consent_text_render`` and
the consent templates call gettext on the stored English text); gettext only finds a
translation for a string that is in the catalogue. A purpose's texts are declared, marked for
``makemessages``, in ``consent.purposes`` (``PURPOSE_TEXTS`` lists them from there); the privacy
policy, seeded by ``consent/migrations/0002_seed_purposes_and_policy``, is repeated here
verbatim, and ``tests/test_translations.py`` fails when the two drift apart. Access-log
categories are here too because the privacy centre translates them for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext_noop

from consent.purposes import PURPOSES

if TYPE_CHECKING:
    from consent.models import Purpose


@dataclass(frozen=True)
class PurposeTexts:
    """A purpose's member-facing texts in one language."""

    name: str
    description: str
    data_categories: list[str]
    retention: str


def purpose_texts_in(purpose: Purpose, language: str) -> PurposeTexts:
    """Return the purpose's stored English texts translated into ``language``."""
    with translation.override(language):
        return PurposeTexts(
            name=translation.gettext(purpose.name),
            description=translation.gettext(purpose.description),
            data_categories=[translation.gettext(c) for c in purpose.data_categories],
            retention=translation.gettext(purpose.retention),
        )


# Each purpose's texts are declared (and marked for translation) once, in consent.purposes.
PURPOSE_TEXTS = [text for declaration in PURPOSES for text in declaration.texts()]

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
