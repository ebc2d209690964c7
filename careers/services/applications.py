"""Apply, withdraw and move applications; grant and revoke the employer's access to them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from accounts.selectors import employer_user_ids, user_employer_ids
from careers.ids import uuid_or_404
from careers.models import (
    ActivityEvent,
    Application,
    ApplicationStageChange,
    ApplicationUserObjectPermission,
    Job,
)
from careers.selectors.applications import applications_granted_to
from careers.selectors.profiles import profile_public_dict, profile_queryset
from careers.services.activity import activity_record
from careers.services.profiles import profile_get_or_create
from config.errors import ApplicationError
from consent.purposes import PurposeCode
from consent.selectors import require_consent
from consent.services import access_record

if TYPE_CHECKING:
    from accounts.models import User

VIEW_CODENAME = "view_application"
RECRUITER_STAGES = [
    Application.Stage.SUBMITTED,
    Application.Stage.REVIEWING,
    Application.Stage.INTERVIEW,
    Application.Stage.OFFER,
    Application.Stage.HIRED,
    Application.Stage.REJECTED,
]


def _grant(application: Application, user_ids: list[Any]) -> None:
    from accounts.selectors import user_get

    for user_id in user_ids:
        user = user_get(user_id=user_id)
        if user is not None:
            assign_perm(VIEW_CODENAME, user, application)


def _revoke_all(application: Application) -> None:
    ApplicationUserObjectPermission.objects.filter(content_object=application).delete()


@transaction.atomic
def application_submit(*, user: User, job_id: Any, note: str = "") -> Application:
    """Apply to an open job: snapshot the profile, grant the employer's people access to it.

    Needs share_profile_with_employers consent (ConsentRequired otherwise). One active
    application per job (409 ``already_applied``).
    """
    require_consent(user, PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS)
    pk = uuid_or_404(job_id)
    job = (
        Job.objects.select_related("employer")
        .select_for_update(of=("self",))
        .filter(pk=pk, status=Job.Status.OPEN)
        .first()
    )
    if job is None:
        raise Http404
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": [_("Keep the note under 2,000 characters.")]})
    if (
        Application.objects.filter(job=job, applicant_id=user.pk)
        .exclude(stage=Application.Stage.WITHDRAWN)
        .exists()
    ):
        raise ApplicationError(
            _("You already applied to this job."), code="already_applied", status_code=409
        )
    profile = profile_get_or_create(user=user)
    profile = profile_queryset().get(pk=profile.pk)
    application = Application(job=job, applicant=user, note=note)
    application.profile_snapshot = profile_public_dict(profile, include_contact=True)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:  # a double click racing the check above
        raise ApplicationError(
            _("You already applied to this job."), code="already_applied", status_code=409
        ) from exc
    ApplicationStageChange.objects.create(
        application=application,
        from_stage="",
        to_stage=Application.Stage.SUBMITTED,
        by=user,
    )
    _grant(application, employer_user_ids(employer_id=job.employer_id))
    # The member's access log lists who received their data (GDPR Art. 15).
    access_record(
        accessor=None,
        subject=user,
        category="career profile (application)",
        purpose=PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS,
        detail=_("Shared with %(employer)s when you applied to “%(job)s”.")
        % {"employer": job.employer.name, "job": job.title},
        detail_key="shared_on_apply",
        detail_params={"employer": job.employer.name, "job": job.title},
        accessor_label=job.employer.name,
    )
    activity_record(user=user, kind=ActivityEvent.Kind.APPLIED, job=job)
    return application


def _withdraw(application: Application, *, actor: User) -> str:
    previous = application.stage
    application.stage = Application.Stage.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.profile_snapshot = {}  # the employer no longer has it; keep nothing to leak
    application.note = ""
    application.save(
        update_fields=["stage", "withdrawn_at", "profile_snapshot_json", "note", "updated_at"]
    )
    ApplicationStageChange.objects.create(
        application=application, from_stage=previous, to_stage=application.stage, by=actor
    )
    _revoke_all(application)
    from careers.services.pipeline import notes_delete_for

    notes_delete_for(application=application)
    return _("%(employer)s no longer has access to the profile you shared for “%(job)s”.") % {
        "employer": application.job.employer.name,
        "job": application.job.title,
    }


@transaction.atomic
def application_withdraw(*, user: User, application_id: Any) -> list[str]:
    """Withdraw one of the member's applications; revoke the employer's access.

    Returns the lines to tell the member (which employer had the profile). 404 if not theirs.
    """
    pk = uuid_or_404(application_id)
    application = (
        Application.objects.select_related("job", "job__employer")
        .select_for_update(of=("self",))
        .filter(pk=pk, applicant_id=user.pk)
        .first()
    )
    if application is None:
        raise Http404
    if application.stage == Application.Stage.WITHDRAWN:
        return []
    return [_withdraw(application, actor=user)]


@transaction.atomic
def application_withdraw_all(*, user: User) -> list[str]:
    """Withdraw every active application of the member (sharing consent withdrawn)."""
    notes: list[str] = []
    active = (
        Application.objects.select_related("job", "job__employer")
        .select_for_update(of=("self",))
        .filter(applicant_id=user.pk)
        .exclude(stage=Application.Stage.WITHDRAWN)
    )
    for application in active:
        notes.append(_withdraw(application, actor=user))
    return notes


@transaction.atomic
def application_move(
    *, application: Application, actor: User, stage: str, reason: str = "", message: str = ""
) -> Application:
    """Move an application to another stage (recruiter with access only; else 404).

    Withdrawn applications stay withdrawn; only the member withdraws. Rejecting needs a
    reason (``careers.services.pipeline.REJECT_REASONS``) and may carry a message to the
    member. The member is told of every move.
    """
    from careers.services.pipeline import check_rejection, stage_notify

    if not applications_granted_to(user=actor).filter(pk=application.pk).exists():
        raise Http404
    if stage not in RECRUITER_STAGES:
        raise ValidationError(
            {"stage": [_("Choose one of: %(s)s.") % {"s": ", ".join(RECRUITER_STAGES)}]}
        )
    reason, message = check_rejection(stage=stage, reason=reason, message=message)
    locked = (
        Application.objects.select_for_update()
        .select_related("job", "job__employer", "applicant")
        .get(pk=application.pk)
    )
    if locked.stage == Application.Stage.WITHDRAWN:
        raise ApplicationError(
            _("The member withdrew this application."), code="withdrawn", status_code=409
        )
    if locked.stage == stage:
        return locked
    ApplicationStageChange.objects.create(
        application=locked, from_stage=locked.stage, to_stage=stage, by=actor, reason=reason
    )
    locked.stage = stage
    locked.save(update_fields=["stage", "updated_at"])
    stage_notify(application=locked, stage=stage, message=message)
    application.stage, application.updated_at = locked.stage, locked.updated_at
    return application


@transaction.atomic
def application_grants_sync(*, employer_id: Any) -> int:
    """Make the grants on an employer's active applications match its current people.

    New recruiters get access to applications made before they joined; people who left lose
    it. Call when an employer's membership changes. Returns the number of grants changed.
    """
    people = set(employer_user_ids(employer_id=employer_id))
    changed = 0
    applications = Application.objects.filter(job__employer_id=employer_id).exclude(
        stage=Application.Stage.WITHDRAWN
    )
    existing = set(
        ApplicationUserObjectPermission.objects.filter(
            content_object__in=applications, permission__codename=VIEW_CODENAME
        ).values_list("content_object_id", "user_id")
    )
    for application in applications.only("pk"):
        holders = {user_id for app_id, user_id in existing if app_id == application.pk}
        missing = people - holders
        _grant(application, list(missing))
        changed += len(missing)
        for user_id in holders - people:
            ApplicationUserObjectPermission.objects.filter(
                content_object=application, user_id=user_id
            ).delete()
            changed += 1
    return changed


def recruiter_can_manage(*, user: User, application: Application) -> bool:
    """Answer whether ``user`` is a current member of the application's employer."""
    return application.job.employer_id in user_employer_ids(user=user)
