"""What a recruiter may see: the employer they act for, a candidate's full profile, saved searches.

Access functions return an object only if the caller may see it and raise the same 404 for
"missing" and "forbidden". Reading a full profile writes the member's access log.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from careers.candidate_filters import salary_band, salary_band_labels
from careers.discovery import discoverable_profiles
from careers.ids import uuid_or_404
from careers.models import CareerProfile, SavedSearch
from careers.selectors.applications import applications_granted_to
from careers.selectors.profiles import profile_public_dict
from consent.purposes import PurposeCode
from consent.services import access_record

if TYPE_CHECKING:
    from accounts.models import Employer, User

if TYPE_CHECKING:
    pass


def verification_dates(user_ids: list[Any]) -> dict[Any, date]:
    """Return {user id: verified-on date} for the verified members among ``user_ids``."""
    from biometrics.selectors import verified_on_dates

    return dict(verified_on_dates(user_ids=user_ids))


def _salary_as_shared(data: dict[str, Any]) -> dict[str, Any]:
    """A profile found by search carries no salary amount: only the band, if the member shares it.

    (An application's snapshot is what the member sent the employer, and keeps the amount.)
    """
    preferences = data["preferences"]
    band = (
        salary_band(preferences["min_salary"], preferences["currency"])
        if preferences.get("share_salary")
        else None
    )
    preferences["min_salary"] = None
    preferences["salary_band"] = str(dict(salary_band_labels())[band]) if band else None
    return data


@dataclass(frozen=True)
class CandidateProfile:
    """A full profile as one recruiter may see it, and why they may."""

    public_id: uuid.UUID
    source: str  # "discovery" (live profile) or "application" (snapshot shared on apply)
    data: dict[str, Any]
    verified: bool
    verified_on: date | None
    shared_at: Any = None


@transaction.atomic
def candidate_get_for_recruiter(
    *, user: User, employer: Employer, public_id: Any
) -> CandidateProfile:
    """Return a candidate's full profile if ``user`` (a recruiter of ``employer``) may see it.

    Allowed when the member is discoverable by this employer right now (live profile), or
    applied to one of its jobs and ``user`` holds the grant (the snapshot they shared). Anything
    else, including a random id, raises the same 404. Every view is written to the member's
    access log in this transaction.
    """
    pid = uuid_or_404(public_id)
    profile = CareerProfile.objects.filter(public_id=pid).select_related("user").first()
    if profile is None:
        raise Http404
    # Names only, no words: the member reads this label in their own language, later.
    label = f"{user.display_name or user} ({employer.name})"
    dates = verification_dates([profile.user_id])
    if discoverable_profiles(employer=employer, profile_ids=[profile.pk]).exists():
        profile = (
            CareerProfile.objects.filter(pk=profile.pk)
            .select_related("user")
            .prefetch_related("employments", "educations", "skills__skill")
            .get()
        )
        data = _salary_as_shared(profile_public_dict(profile))
        access_record(
            accessor=user,
            subject=profile.user,
            category="career profile",
            purpose=PurposeCode.CANDIDATE_DISCOVERY,
            detail=employer.name,  # "why" (the purpose) is worded when the member reads it
            detail_key="employer_viewed_profile",
            detail_params={"employer": employer.name},
            accessor_label=label,
        )
        return CandidateProfile(
            public_id=pid,
            source="discovery",
            data=data,
            verified=profile.user_id in dates,
            verified_on=dates.get(profile.user_id),
        )
    application = (
        applications_granted_to(user=user)
        .filter(applicant_id=profile.user_id, job__employer_id=employer.pk)
        .select_related("job")
        .order_by("-created_at")
        .first()
    )
    if application is None or not application.profile_snapshot:
        raise Http404
    access_record(
        accessor=user,
        subject=profile.user,
        category="career profile (application)",
        purpose=PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS,
        detail=f"{employer.name}: {application.job.title}",
        detail_key="employer_viewed_application",
        detail_params={"employer": employer.name, "job": application.job.title},
        accessor_label=label,
    )
    return CandidateProfile(
        public_id=pid,
        source="application",
        data=application.profile_snapshot,
        verified=profile.user_id in dates,
        verified_on=dates.get(profile.user_id),
        shared_at=application.created_at,
    )


# --- which employer a recruiter acts for ---------------------------------------------------------


# --- saved searches ----------------------------------------------------------------------------


def saved_searches_for(*, employer: Employer) -> QuerySet:
    """Return the employer's saved searches, by name (shared by its recruiters)."""
    return SavedSearch.objects.filter(employer_id=employer.pk).order_by("name")


def saved_search_get(*, employer: Employer, saved_search_id: Any) -> Any:
    """Return one of the employer's saved searches, else 404 (same for another employer's)."""
    pk = uuid_or_404(saved_search_id)
    found = saved_searches_for(employer=employer).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
