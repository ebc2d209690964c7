"""What careers does when a member withdraws consent, erases the account, or exports data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from consent.purposes import PurposeCode
from consent.registry import export_section, on_erasure, on_retention, on_withdrawal

if TYPE_CHECKING:
    from accounts.models import User


@on_withdrawal(PurposeCode.JOB_RECOMMENDATIONS)
def stop_profiling(user: User) -> list[str]:
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
def stop_sharing(user: User) -> list[str]:
    """Withdraw every active application and revoke employers' access; name the employers."""
    from careers.services import application_withdraw_all

    return application_withdraw_all(user=user)


@on_withdrawal(PurposeCode.CANDIDATE_DISCOVERY)
def stop_discovery(user: User) -> list[str]:
    """Take the member out of candidate search (search also filters on consent in SQL)."""
    from careers.models import CareerProfile
    from careers.services.outreach import outreach_delete_for
    from careers.services.search_index import candidate_index_refresh

    profile_id = CareerProfile.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    if profile_id is None:
        return []
    candidate_index_refresh(profile_id)
    notes = [_("Employers can no longer find you in candidate search.")]
    if outreach_delete_for(user=user):
        notes.append(
            _("We deleted the invitations you received and the lists employers saved you to.")
        )
    return notes


@on_erasure
def erase_careers(user: User) -> None:
    """Delete the profile, activity and applications (with their snapshots and grants).

    Applications are deleted outright rather than kept as stubs: a stub would still tell the
    employer who applied. Their audit rows go with them (cascade).
    """
    from careers.models import (
        ActivityEvent,
        Application,
        CareerNotification,
        CareerProfile,
        OutreachPreference,
    )
    from careers.services.outreach import outreach_delete_for

    outreach_delete_for(user=user)
    CareerNotification.objects.filter(user_id=user.pk).delete()
    OutreachPreference.objects.filter(user_id=user.pk).delete()
    Application.objects.filter(applicant_id=user.pk).delete()
    ActivityEvent.objects.filter(user_id=user.pk).delete()
    CareerProfile.objects.filter(user_id=user.pk).delete()


@on_retention("careers_notes")
def notes_retention(now: Any) -> int:
    """Employers' notes and ratings on closed applications go after a year."""
    from careers.services.pipeline import notes_retention_sweep

    return notes_retention_sweep(now=now)


@export_section("careers")
def export_careers(user: User) -> dict:
    """Return the member's profile, job-search activity and applications."""
    from careers.models import CareerNotification, SourcedCandidate
    from careers.selectors import (
        activity_for_user,
        applications_for_user,
        profile_for_user,
        profile_public_dict,
    )
    from careers.selectors.outreach import invitations_for_member
    from careers.services.outreach import outreach_preference

    profile = profile_for_user(user=user)
    preference = outreach_preference(user=user)
    return {
        "invitation_choices": {"invitations": preference.invitations, "email": preference.email},
        "invitations": [
            {
                "job": inv.job.title,
                "employer": inv.job.employer.name,
                "message": inv.message,
                "status": inv.status,
                "invited_at": inv.created_at.isoformat(),
                "answered_at": inv.responded_at.isoformat() if inv.responded_at else None,
            }
            for inv in invitations_for_member(user=user)
        ],
        "saved_by_employers": [
            {
                "employer": entry.employer.name,
                "job": entry.job.title if entry.job else None,
                "talent_pool": entry.pool.name if entry.pool else None,
                "saved_at": entry.created_at.isoformat(),
            }
            for entry in SourcedCandidate.objects.filter(profile__user_id=user.pk)
            .select_related("employer", "job", "pool")
            .order_by("created_at")
        ],
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
                "employer_notes": [
                    {
                        "author": getattr(note.author, "display_name", "") or "",
                        "rating": note.rating,
                        "note": note.body,
                        "at": note.created_at.isoformat(),
                    }
                    for note in app.notes.select_related("author").order_by("created_at")
                ],
            }
            for app in applications_for_user(user=user)
        ],
        "news": [
            {
                "kind": notice.kind,
                "job": notice.job.title if notice.job else None,
                "stage": notice.stage,
                "message": notice.message,
                "at": notice.created_at.isoformat(),
            }
            for notice in CareerNotification.objects.filter(user_id=user.pk).select_related("job")
        ],
    }
