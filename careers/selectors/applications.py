"""Read applications: the member's own, and the ones a recruiter was granted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from accounts.selectors import user_employer_ids
from careers.ids import uuid_or_404
from careers.models import Application
from consent.purposes import PurposeCode
from consent.services import access_record

if TYPE_CHECKING:
    from accounts.models import User

VIEW_PERMISSION = "careers.view_application"


def applications_for_user(*, user: User) -> QuerySet[Application]:
    """Return the member's applications with their job and employer, newest first."""
    return (
        Application.objects.filter(applicant_id=user.pk)
        .select_related("job", "job__employer")
        .order_by("-created_at")
    )


def application_get_for_member(*, user: User, application_id: Any) -> Application:
    """Return one of the member's own applications, else 404."""
    pk = uuid_or_404(application_id)
    application = applications_for_user(user=user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def applications_granted_to(*, user: User) -> QuerySet[Application]:
    """Return the applications ``user`` holds a guardian view grant on, at a current employer.

    Both conditions: a grant (given on apply, revoked on withdrawal) and current membership of
    the employer (so a recruiter who left loses access even before grants are tidied).
    """
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    granted = get_objects_for_user(
        user,
        VIEW_PERMISSION,
        klass=Application.objects.all(),
        use_groups=False,
        with_superuser=False,
        accept_global_perms=False,
    )
    return granted.filter(job__employer_id__in=user_employer_ids(user=user)).exclude(
        stage=Application.Stage.WITHDRAWN
    )


def application_granted_get(*, user: User, application_id: Any) -> Application:
    """Return an application ``user`` was granted, to act on (move, note); else 404.

    Unlike ``application_get_for_recruiter`` it records no read: acting on an application shows
    the recruiter nothing of the profile.
    """
    application = applications_granted_to(user=user).filter(pk=uuid_or_404(application_id)).first()
    if application is None:
        raise Http404
    return application


def applications_for_job(*, user: User, job_id: Any) -> QuerySet[Application]:
    """Return the applications to one job that ``user`` may see (granted ones only).

    The job must belong to one of the user's employers, else 404.
    """
    from careers.selectors.jobs import job_get_for_recruiter

    job = job_get_for_recruiter(user=user, job_id=job_id)
    return (
        applications_granted_to(user=user)
        .filter(job_id=job.pk)
        .select_related("job", "job__employer", "applicant")
        .order_by("-created_at")
    )


@transaction.atomic
def application_get_for_recruiter(*, user: User, application_id: Any) -> Application:
    """Return an application with its shared profile, if ``user`` was granted it; else 404.

    Records the read in the applicant's access log (they see who looked at their profile).
    """
    pk = uuid_or_404(application_id)
    application = (
        applications_granted_to(user=user)
        .select_related("job", "job__employer", "applicant")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    access_record(
        accessor=user,
        subject=application.applicant,
        category="career profile (application)",
        purpose=PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS,
        detail=f"{application.job.employer.name}: {application.job.title}",
        detail_key="employer_viewed_application",
        detail_params={"employer": application.job.employer.name, "job": application.job.title},
        accessor_label=f"{getattr(user, 'display_name', '')} ({application.job.employer.name})",
    )
    return application
