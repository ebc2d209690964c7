"""What careers does when a member withdraws consent, erases the account, or exports data."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from consent.purposes import PurposeCode
from consent.registry import export_section, on_erasure, on_withdrawal


@on_withdrawal(PurposeCode.JOB_RECOMMENDATIONS)
def stop_profiling(user: Any) -> list[str]:
    """Objection to profiling: delete the stored job-search activity (tracking already stops)."""
    from careers.services import activity_delete

    deleted = activity_delete(user=user)
    if not deleted:
        return []
    return [
        _("We deleted your job-search activity (%(n)d events) and stopped recording it.")
        % {"n": deleted}
    ]


@on_withdrawal(PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS)
def stop_sharing(user: Any) -> list[str]:
    """Withdraw every active application and revoke employers' access; name the employers."""
    from careers.services import application_withdraw_all

    return application_withdraw_all(user=user)


@on_withdrawal(PurposeCode.CANDIDATE_DISCOVERY)
def stop_discovery(user: Any) -> list[str]:
    """Take the member out of candidate search (search also filters on consent in SQL)."""
    from careers.models import CareerProfile

    try:
        from careers.search import candidate_index_refresh  # type: ignore[attr-defined]
    except ImportError:
        return []
    profile_id = CareerProfile.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    if profile_id is None:
        return []
    candidate_index_refresh(profile_id)
    return [_("Employers can no longer find you in candidate search.")]


@on_erasure
def erase_careers(user: Any) -> None:
    """Delete the profile, activity and applications (with their snapshots and grants).

    Applications are deleted outright rather than kept as stubs: a stub would still tell the
    employer who applied. Their audit rows go with them (cascade).
    """
    from careers.models import ActivityEvent, Application, CareerProfile

    Application.objects.filter(applicant_id=user.pk).delete()
    ActivityEvent.objects.filter(user_id=user.pk).delete()
    CareerProfile.objects.filter(user_id=user.pk).delete()


@export_section("careers")
def export_careers(user: Any) -> dict:
    """Return the member's profile, job-search activity and applications."""
    from careers.selectors import (
        activity_for_user,
        applications_for_user,
        profile_for_user,
        profile_public_dict,
    )

    profile = profile_for_user(user=user)
    return {
        "profile": profile_public_dict(profile) | {"visibility": profile.visibility}
        if profile
        else None,
        "activity": [
            {
                "kind": event.kind,
                "job": event.job.title if event.job else None,
                "job_id": str(event.job_id) if event.job_id else None,
                "query": event.query,
                "at": event.created_at.isoformat(),
            }
            for event in activity_for_user(user=user)
        ],
        "applications": [
            {
                "id": str(app.pk),
                "job": app.job.title,
                "employer": app.job.employer.name,
                "stage": app.stage,
                "note": app.note,
                "applied_at": app.created_at.isoformat(),
                "withdrawn_at": app.withdrawn_at.isoformat() if app.withdrawn_at else None,
                "profile_shared": app.profile_snapshot,
            }
            for app in applications_for_user(user=user)
        ],
    }
