"""Recruiter outreach (write side): talent pools, saving candidates, invitations to apply, and
the member's answer and choices. See ``careers.models.outreach``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from careers.discovery import discoverable_profiles
from careers.ids import uuid_or_404
from careers.models import (
    CareerProfile,
    Job,
    JobInvitation,
    OutreachPreference,
    SourcedCandidate,
    TalentPool,
)
from config.errors import ApplicationError

if TYPE_CHECKING:
    from accounts.models import Employer, User

logger = logging.getLogger(__name__)

MESSAGE_MAX = 1000


def discoverable_candidate(*, employer: Employer, public_id: Any) -> CareerProfile:
    """Return the profile behind ``public_id`` if ``employer`` may discover it now, else 404."""
    profile = (
        CareerProfile.objects.filter(public_id=uuid_or_404(public_id))
        .select_related("user")
        .first()
    )
    if (
        profile is None
        or not discoverable_profiles(employer=employer, profile_ids=[profile.pk]).exists()
    ):
        raise Http404
    return profile


def _job(employer: Employer, job_id: Any, *, open_only: bool = False) -> Job:
    jobs = Job.objects.filter(employer_id=employer.pk)
    if open_only:
        jobs = jobs.filter(status=Job.Status.OPEN)
    job = jobs.filter(pk=uuid_or_404(job_id)).first()
    if job is None:
        raise ApplicationError(
            _("Choose one of your open jobs.") if open_only else _("Choose one of your jobs."),
            fields={"job": [_("Not one of your jobs.")]},
        )
    return job


def _pool(employer: Employer, pool_id: Any) -> TalentPool:
    pool = TalentPool.objects.filter(employer_id=employer.pk, pk=uuid_or_404(pool_id)).first()
    if pool is None:
        raise ApplicationError(
            _("Choose one of your talent pools."), fields={"pool": [_("Not one of your pools.")]}
        )
    return pool


@transaction.atomic
def pool_create(*, employer: Employer, actor: User, name: str) -> TalentPool:
    """Create a talent pool for the employer's recruiters (names are unique per employer)."""
    name = " ".join(str(name).split())[:120]
    if not name:
        raise ApplicationError(
            _("Give the pool a name."), fields={"name": [_("This field is required.")]}
        )
    if TalentPool.objects.filter(employer_id=employer.pk, name__iexact=name).exists():
        raise ApplicationError(
            _("A talent pool with this name already exists."),
            code="duplicate",
            fields={"name": [_("A talent pool with this name already exists.")]},
        )
    return TalentPool.objects.create(employer=employer, name=name, created_by=actor)


@transaction.atomic
def candidate_save(
    *, employer: Employer, actor: User, public_id: Any, job_id: Any = None, pool_id: Any = None
) -> tuple[SourcedCandidate, bool]:
    """Save a discoverable candidate to a job's pipeline ("sourced") or to a talent pool.

    Returns (entry, created); saving twice is not an error. 404 for a candidate this employer
    may not discover.
    """
    profile = discoverable_candidate(employer=employer, public_id=public_id)
    if bool(job_id) == bool(pool_id):
        raise ApplicationError(
            _("Choose a job or a talent pool."),
            fields={"job": [_("Choose a job or a talent pool.")]},
        )
    target: dict[str, Any] = (
        {"job": _job(employer, job_id)} if job_id else {"pool": _pool(employer, pool_id)}
    )
    return SourcedCandidate.objects.get_or_create(
        employer=employer, profile=profile, **target, defaults={"added_by": actor}
    )


@transaction.atomic
def sourced_remove(*, employer: Employer, entry_id: Any) -> None:
    """Take a candidate out of a job's pipeline or a pool (404 if not this employer's)."""
    deleted, _rows = SourcedCandidate.objects.filter(
        employer_id=employer.pk, pk=uuid_or_404(entry_id)
    ).delete()
    if not deleted:
        raise Http404


def outreach_preference(*, user: User) -> OutreachPreference:
    """Return the member's choices (defaults: invitations on, e-mail off) without saving."""
    found = OutreachPreference.objects.filter(user_id=user.pk).first()
    return found or OutreachPreference(user=user)


@transaction.atomic
def outreach_preference_update(*, user: User, invitations: bool, email: bool) -> OutreachPreference:
    """Save whether the member takes invitations and wants e-mail about them."""
    preference, _created = OutreachPreference.objects.update_or_create(
        user=user, defaults={"invitations": bool(invitations), "email": bool(email)}
    )
    return preference


@transaction.atomic
def invitation_send(
    *, employer: Employer, actor: User, public_id: Any, job_id: Any, message: str = ""
) -> JobInvitation:
    """Invite a discoverable candidate to apply to one of the employer's open jobs.

    The member sees it in the platform (and by e-mail if they chose so). The candidate is also
    saved to the job's pipeline. Refused when the member takes no invitations, was already
    invited to this job, or already applied to it.
    """
    from careers.models import Application

    profile = discoverable_candidate(employer=employer, public_id=public_id)
    job = _job(employer, job_id, open_only=True)
    message = str(message or "").strip()
    if len(message) > MESSAGE_MAX or "\x00" in message:
        raise ApplicationError(
            _("Keep the message under %(n)d characters.") % {"n": MESSAGE_MAX},
            fields={"message": [_("Too long.")]},
        )
    preference = outreach_preference(user=profile.user)
    if not preference.invitations:
        raise ApplicationError(
            _("This candidate is not taking invitations to apply."),
            code="invitations_off",
            status_code=409,
        )
    if Application.objects.filter(job=job, applicant_id=profile.user_id).exists():
        raise ApplicationError(
            _("This candidate has already applied to this job."), code="duplicate", status_code=409
        )
    try:
        with transaction.atomic():
            invitation = JobInvitation.objects.create(
                job=job, profile=profile, invited_by=actor, message=message
            )
    except IntegrityError as exc:
        raise ApplicationError(
            _("You have already invited this candidate to this job."),
            code="duplicate",
            status_code=409,
        ) from exc
    SourcedCandidate.objects.get_or_create(
        employer=employer, profile=profile, job=job, defaults={"added_by": actor}
    )
    if preference.email:
        user = profile.user
        transaction.on_commit(lambda: _email_invitation(user, job))
    return invitation


def _email_invitation(user: User, job: Job) -> None:
    """Tell the member by e-mail, in their language; the e-mail names only the job and employer."""
    link = settings.SITE_URL + reverse("careers:invitations")
    with translation.override(getattr(user, "preferred_language", None) or "en"):
        subject = _("%(employer)s invites you to apply: %(job)s") % {
            "employer": job.employer.name,
            "job": job.title,
        }
        body = _(
            "%(employer)s found your profile in candidate search and invites you to apply "
            "for %(job)s.\n\nRead the invitation, apply or decline: %(link)s\n\n"
            "You can turn invitations or these e-mails off on that page."
        ) % {"employer": job.employer.name, "job": job.title, "link": link}
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
    except Exception:  # noqa: BLE001 - a mail failure must not undo the invitation
        logger.warning("invitation e-mail not sent", exc_info=True)


@transaction.atomic
def invitation_decline(*, user: User, invitation_id: Any) -> JobInvitation:
    """The member declines an invitation (404 for someone else's). The employer is not told."""
    invitation = (
        JobInvitation.objects.select_for_update()
        .filter(pk=uuid_or_404(invitation_id), profile__user_id=user.pk)
        .first()
    )
    if invitation is None:
        raise Http404
    if invitation.status != JobInvitation.Status.DECLINED:
        invitation.status = JobInvitation.Status.DECLINED
        invitation.responded_at = timezone.now()
        invitation.save(update_fields=["status", "responded_at"])
    return invitation


@transaction.atomic
def outreach_delete_for(*, user: User) -> int:
    """Delete every saved entry and invitation about this member (withdrawal, erasure)."""
    saved, _rows = SourcedCandidate.objects.filter(profile__user_id=user.pk).delete()
    invited, _rows = JobInvitation.objects.filter(profile__user_id=user.pk).delete()
    return saved + invited
