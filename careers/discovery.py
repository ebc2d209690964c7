"""Who an employer may discover right now: consent, visibility and the hide-from-employer rule.

``discoverable_profiles`` is the one check behind every candidate search path and the full
candidate profile (``careers.selectors.search``, ``careers.selectors.recruiters``), in the
portal and the API. See docs/careers-search.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Expression, Q, QuerySet

from consent.purposes import PurposeCode

if TYPE_CHECKING:
    from accounts.models import Employer

DISCOVERABLE_VISIBILITIES = ("recruiters", "everyone")


def hiding_employers(*, employer: Employer) -> list[Any]:
    """Return the employers whose hidden members ``employer`` must not see.

    The employer itself and every employer sharing an owner or recruiter with it: one person
    acting for two employers sees as both (``accounts.selectors.employers_sharing_people``).
    """
    from accounts.selectors import employers_sharing_people

    return list(employers_sharing_people(employer_ids=[employer.pk]))


def employment_at(employers: list[Any]) -> Q:
    """Match an employment at any of ``employers``: the picked employer, the domain (or a
    subdomain of it) or the name, compared in ``accounts.employer_keys`` form on both sides."""
    match = Q(employer_id__in=[e.pk for e in employers])
    for employer in employers:
        if employer.domain:
            match |= Q(employer_domain_key=employer.domain)
            match |= Q(employer_domain_key__endswith=f".{employer.domain}")
    names = sorted({e.name_key for e in employers if e.name_key})
    if names:
        match |= Q(employer_name_key__in=names)
    return match


def discoverable_profiles(
    *, employer: Employer, profile_ids: list[Any] | Expression, hidden_from: list[Any] | None = None
) -> QuerySet:
    """Return those of ``profile_ids`` discoverable by ``employer`` right now, checked live.

    Consent for candidate discovery (SQL subquery on the consent state), visibility recruiters
    or everyone, and not hiding from this employer (hide flag and a current employment at it or
    at an employer sharing people with it: ``hiding_employers``, passed in when already known).
    """
    from careers.models import CareerProfile, Employment
    from consent.selectors import consented_user_ids

    if hidden_from is None:
        hidden_from = hiding_employers(employer=employer)
    # An expression (a column of an outer query) checks one profile per row of that query.
    one = isinstance(profile_ids, Expression)
    hidden = (
        Employment.objects.filter(
            Q(profile_id=profile_ids) if one else Q(profile_id__in=profile_ids),
            is_current=True,
            profile__hide_from_current_employer=True,
        )
        .filter(employment_at(hidden_from))
        .values("profile_id")
    )
    return CareerProfile.objects.filter(
        Q(pk=profile_ids) if one else Q(pk__in=profile_ids),
        visibility__in=DISCOVERABLE_VISIBILITIES,
        user_id__in=consented_user_ids(purpose=PurposeCode.CANDIDATE_DISCOVERY),
    ).exclude(pk__in=hidden)
