"""The candidate-search index writer: one search row and its postings per career profile.

The row and its postings are a copy, rebuilt from the profile after every change (on commit):
the search re-checks consent, visibility and the hide rule live, so a stale row can only hide
someone, never reveal them. What a profile is indexed under comes from the filter declarations
(``careers.candidate_filters``). See docs/careers-search.md.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from careers.discovery import DISCOVERABLE_VISIBILITIES
from careers.models import (
    CandidateSearchIndex,
    CandidateSearchKey,
    CareerProfile,
    JobPreference,
)
from careers.search_parameters import CORE_POSTING_COLUMNS, ProfileFacts
from careers.search_query import FLAG_KEYS, POSTING_COLUMNS, search_keys
from careers.selectors.recruiters import verification_dates


def static_rank(*, years: int, verified: bool) -> int:
    """Return the query-independent part of relevance: verified first, then experience."""
    return (25 if verified else 0) + min(max(years, 0), 30)


def search_postings(
    *,
    profile_id: Any,
    keys: dict[str, int],
    rank: int,
    years: int,
    verified: bool,
    active_on: date | None = None,
) -> list[CandidateSearchKey]:
    """Return the inverted-index postings for one discoverable profile's search keys.

    Every posting copies the row's filter columns (``POSTING_COLUMNS``); flag keys (work modes)
    become boolean columns instead of postings of their own.
    """
    row = {"years": years, "verified": verified, "active_on": active_on or timezone.localdate()}
    copied = {
        column: keys.get(FLAG_KEYS[column]) is not None if column in FLAG_KEYS else row[column]
        for column in POSTING_COLUMNS
        if column not in CORE_POSTING_COLUMNS
    }
    flag_keys = set(FLAG_KEYS.values())
    return [
        CandidateSearchKey(
            profile_id=profile_id,
            key=key[:64],
            level=level if key.startswith("s:") else 0,
            rank=rank,
            **copied,
        )
        for key, level in keys.items()
        if key not in flag_keys
    ]


def last_active_on(profile: CareerProfile) -> date:
    """Return the last day the member signed in or changed their career profile."""
    days = [
        timezone.localdate(moment)
        for moment in (profile.updated_at, profile.user.last_login)
        if moment is not None
    ]
    return max(days) if days else timezone.localdate()


def profile_facts(profile: CareerProfile, preference: JobPreference | None) -> ProfileFacts:
    """Return what the index reads from a profile (its skills, jobs and education prefetched)."""
    employments = list(profile.employments.all())
    return ProfileFacts(
        skills=[(s.skill_id, s.proficiency) for s in profile.skills.all()],
        titles=[profile.headline, *(e.title for e in employments)],
        current_titles=[profile.headline, *(e.title for e in employments if e.is_current)],
        home=profile.location_city,
        places=[profile.location_city, *((preference.locations if preference else []) or [])],
        remote_modes=(preference.remote_modes if preference else []) or [],
        educations=[(e.degree, e.field) for e in profile.educations.all()],
        preference=preference,
    )


def candidate_index_touch(*, user_id: Any) -> None:
    """A member signed in: refresh their search row once a day, so "recently active" holds."""
    today = timezone.localdate()
    row = CandidateSearchIndex.objects.filter(user_id=user_id).values("profile_id", "active_on")
    found = row.first()
    if found is not None and found["active_on"] != today:
        candidate_index_refresh(found["profile_id"])


def candidate_index_refresh(profile_id: uuid.UUID) -> None:
    """Rebuild one profile's search row from its profile, skills, jobs and preferences.

    Called by the careers profile services after every change (on commit); call it too when
    something else feeding the row changes (a verification decision). Deletes the row if the
    profile is gone.
    """
    profile = (
        CareerProfile.objects.filter(pk=profile_id)
        .select_related("user")
        .prefetch_related("skills", "employments", "educations")
        .first()
    )
    if profile is None:
        CandidateSearchKey.objects.filter(profile_id=profile_id).delete()
        CandidateSearchIndex.objects.filter(profile_id=profile_id).delete()
        return
    preference = JobPreference.objects.filter(profile_id=profile.pk).first()
    verified_on = verification_dates([profile.user_id])
    verified = profile.user_id in verified_on
    years = int(profile.years_experience or 0)
    keys = search_keys(profile_facts(profile, preference))
    discoverable = profile.visibility in DISCOVERABLE_VISIBILITIES
    rank = static_rank(years=years, verified=verified)
    active_on = last_active_on(profile)
    with transaction.atomic():
        CandidateSearchIndex.objects.update_or_create(
            profile_id=profile.pk,
            defaults={
                "public_id": profile.public_id,
                "user_id": profile.user_id,
                "discoverable": discoverable,
                "years": years,
                "verified": verified,
                "verified_on": verified_on.get(profile.user_id),
                "rank": rank,
                "active_on": active_on,
                "keys": keys,
                "updated_at": timezone.now(),
            },
        )
        CandidateSearchKey.objects.filter(profile_id=profile.pk).delete()
        if discoverable:
            CandidateSearchKey.objects.bulk_create(
                search_postings(
                    profile_id=profile.pk,
                    keys=keys,
                    rank=rank,
                    years=years,
                    verified=verified,
                    active_on=active_on,
                )
            )


def candidate_index_refresh_for_user(*, user_id: uuid.UUID | str) -> None:
    """Rebuild the search row of this member's profile, if they have one (verification hook)."""
    profile_id = CareerProfile.objects.filter(user_id=user_id).values_list("pk", flat=True).first()
    if profile_id is not None:
        candidate_index_refresh(profile_id)


def candidate_index_rebuild(*, batch_size: int = 500, progress: bool = False) -> int:
    """Rebuild every profile's search row (after a ranking change); return how many.

    Reads the ids in batches and gives each profile its own short transaction
    (``candidate_index_refresh``): a rebuild of a million rows never holds one long transaction.
    ``progress`` shows a tqdm bar on stderr.
    """
    profiles = CareerProfile.objects.values_list("pk", flat=True)
    total = profiles.count() if progress else None
    count = 0
    ids = profiles.iterator(batch_size)
    for profile_id in tqdm(ids, total=total, disable=not progress, unit="profile"):
        candidate_index_refresh(profile_id)
        count += 1
    return count
