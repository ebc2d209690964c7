"""Link a job in the member's history to the registered employer it is at.

"Hide me from my current employer" compares a member's jobs with registered employers; this
normalises what the member typed (``accounts.employer_keys``) and records the employer they
picked, or the one their typing points at, as a foreign key.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.employer_keys import domain_key, employer_name_key
from accounts.selectors import employers_matching
from careers.models import Employment


def employment_employer_link(*, employment: Employment, errors: dict[str, list[str]]) -> None:
    """Normalise the employer's name and website, and link the registered employer.

    A picked employer fills an empty name and website. Otherwise a registered employer the
    name or website points at (``accounts.employer_keys`` form) is linked when there is exactly
    one, so the member's page can name it; hiding compares the keys either way.
    """
    employment.employer_name = " ".join(str(employment.employer_name or "").split())
    typed_domain = str(employment.employer_domain or "").strip()
    employment.employer_domain = domain_key(typed_domain)
    if typed_domain and not employment.employer_domain:
        errors["employer_domain"] = [_("Enter a website such as acme.co.id.")]
    picked = employment.employer
    if picked is not None:
        employment.employer_name = employment.employer_name or picked.name
        employment.employer_domain = employment.employer_domain or picked.domain
        return
    if not employment.employer_name:
        errors["employer_name"] = [_("Enter the employer's name or pick it from the list.")]
        return
    matches = list(
        employers_matching(
            employer_ids=[],
            domains=[employment.employer_domain],
            name_keys=[employer_name_key(employment.employer_name)],
        )[:2]
    )
    if len(matches) == 1:
        employment.employer = matches[0]
