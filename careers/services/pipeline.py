"""The hiring board (write side): private notes and ratings, rejection reasons, telling the
member about stage changes (in the platform, and by e-mail when they chose so)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from careers.models import Application, ApplicationNote, CareerNotification
from config.errors import ApplicationError

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

NOTE_MAX = 4000
MESSAGE_MAX = 1000
# Notes and ratings are kept this long after an application is closed (hired, not selected).
NOTE_RETENTION_DAYS = 365
REJECT_REASONS = {
    "skills": gettext_lazy("Skills do not match"),
    "experience": gettext_lazy("Not enough experience"),
    "filled": gettext_lazy("Position filled"),
    "other_candidate": gettext_lazy("Another candidate was chosen"),
    "other": gettext_lazy("Other"),
}
CLOSED_STAGES = (Application.Stage.HIRED, Application.Stage.REJECTED)


def _granted(application: Application, actor: User) -> Application:
    from careers.selectors import applications_granted_to

    found = (
        applications_granted_to(user=actor)
        .filter(pk=application.pk)
        .select_related("job", "job__employer")
        .first()
    )
    if found is None:
        raise Http404
    return found


def check_rejection(*, stage: str, reason: str, message: str) -> tuple[str, str]:
    """Validate a rejection's reason and message (a reason is required to reject)."""
    message = str(message or "").strip()
    if stage != Application.Stage.REJECTED:
        return "", ""
    if reason not in REJECT_REASONS:
        raise ApplicationError(
            _("Choose a reason for not selecting this applicant."),
            fields={"reason": [_("Choose one of: %(s)s.") % {"s": ", ".join(REJECT_REASONS)}]},
        )
    if len(message) > MESSAGE_MAX or "\x00" in message:
        raise ApplicationError(
            _("Keep the message under %(n)d characters.") % {"n": MESSAGE_MAX},
            fields={"message": [_("Too long.")]},
        )
    return reason, message


def stage_notify(*, application: Application, stage: str, message: str = "") -> None:
    """Tell the member their application moved (in the platform; by e-mail if they chose so)."""
    from careers.services.outreach import outreach_preference

    CareerNotification.objects.create(
        user_id=application.applicant_id,
        kind=CareerNotification.Kind.STAGE,
        job=application.job,
        stage=stage,
        message=message,
    )
    user = application.applicant
    if outreach_preference(user=user).email:
        job = application.job
        transaction.on_commit(lambda: _email_stage(user, job, stage, message))


def _email_stage(user: User, job: Any, stage: str, message: str) -> None:
    link = settings.SITE_URL + reverse("careers:invitations")
    with translation.override(getattr(user, "preferred_language", None) or "en"):
        label = str(Application.Stage(stage).label)
        subject = _("Your application for %(job)s: %(stage)s") % {"job": job.title, "stage": label}
        body = _("%(employer)s moved your application for %(job)s to: %(stage)s.") % {
            "employer": job.employer.name,
            "job": job.title,
            "stage": label,
        }
        if message:
            body += "\n\n" + message
        body += "\n\n" + _("Your applications and news: %(link)s") % {"link": link}
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
    except Exception:  # noqa: BLE001 - a mail failure must not undo the move
        logger.warning("stage e-mail not sent", exc_info=True)


@transaction.atomic
def note_add(*, application: Application, actor: User, body: str = "", rating: Any = None) -> Any:
    """Add a private note and/or rating (1-5) to an application the actor was granted."""
    application = _granted(application, actor)
    if application.stage == Application.Stage.WITHDRAWN:
        raise ApplicationError(
            _("The member withdrew this application."), code="withdrawn", status_code=409
        )
    body = str(body or "").strip()
    if len(body) > NOTE_MAX or "\x00" in body:
        raise ApplicationError(
            _("Keep the note under %(n)d characters.") % {"n": NOTE_MAX},
            fields={"body": [_("Too long.")]},
        )
    if rating in ("", None):
        rating = None
    else:
        try:
            rating = int(rating)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 5:
            raise ApplicationError(
                _("A rating is 1 to 5."), fields={"rating": [_("A rating is 1 to 5.")]}
            )
    if not body and rating is None:
        raise ApplicationError(
            _("Write a note or give a rating."), fields={"body": [_("This field is required.")]}
        )
    return ApplicationNote.objects.create(
        application=application, author=actor, body=body, rating=rating
    )


def notes_delete_for(*, application: Application) -> int:
    """Delete an application's notes and ratings (withdrawal)."""
    deleted, _rows = ApplicationNote.objects.filter(application=application).delete()
    return deleted


def notes_retention_sweep(*, now: datetime | None = None) -> int:
    """Delete notes on applications closed (hired or not selected) over a year ago."""
    cutoff = (now or timezone.now()) - timedelta(days=NOTE_RETENTION_DAYS)
    deleted, _rows = ApplicationNote.objects.filter(
        application__stage__in=CLOSED_STAGES, application__updated_at__lt=cutoff
    ).delete()
    return deleted


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    """Mark the member's news as read (their page shows it)."""
    return CareerNotification.objects.filter(user_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
