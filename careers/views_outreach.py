"""Recruiter portal outreach pages: save a candidate to a job or a talent pool, invite to apply,
talent pools. Member side: the invitations page (answer, decline, choices)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from careers.models import Job
from careers.selectors.outreach import (
    invitations_for_member,
    pool_get,
    pools_for,
    sourced_for,
)
from careers.services import outreach
from careers.views_recruiter import _render, recruiter_view
from config.errors import ApplicationError


class PoolForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("New talent pool"), max_length=120)


class PreferenceForm(forms.Form):
    invitations = forms.BooleanField(
        label=gettext_lazy("Employers who may find me can invite me to apply"), required=False
    )
    email = forms.BooleanField(
        label=gettext_lazy("Also send invitations and news about my applications by e-mail"),
        required=False,
    )


def outreach_context(employer: Any) -> dict[str, Any]:
    """Jobs and pools a recruiter can save a candidate to (for the candidate page)."""
    jobs = Job.objects.filter(employer_id=employer.pk).exclude(status=Job.Status.CLOSED)
    return {
        "outreach_jobs": list(jobs.order_by("title").values("pk", "title", "status")),
        "outreach_pools": list(pools_for(employer=employer).values("pk", "name")),
    }


def _back(public_id: str) -> HttpResponse:
    return redirect("careers:recruiter-candidate", public_id=public_id)


@recruiter_view
@require_POST
def candidate_save(request: HttpRequest, public_id: str) -> HttpResponse:
    """Save the candidate to a job's pipeline, a pool, or a new pool named in the form."""
    target = request.POST.get("target", "")
    kind, _sep, target_id = target.partition(":")
    try:
        # One transaction: a new pool is not kept if the candidate cannot be saved (404 too).
        with transaction.atomic():
            outreach.discoverable_candidate(employer=request.employer, public_id=public_id)
            if request.POST.get("new_pool", "").strip():
                pool = outreach.pool_create(
                    employer=request.employer, actor=request.user, name=request.POST["new_pool"]
                )
                kind, target_id = "pool", str(pool.pk)
            _entry, created = outreach.candidate_save(
                employer=request.employer,
                actor=request.user,
                public_id=public_id,
                job_id=target_id if kind == "job" else None,
                pool_id=target_id if kind == "pool" else None,
            )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Candidate saved.") if created else _("Already saved there."))
    return _back(public_id)


@recruiter_view
@require_POST
def candidate_invite(request: HttpRequest, public_id: str) -> HttpResponse:
    """Invite the candidate to apply to one of the employer's open jobs."""
    try:
        outreach.invitation_send(
            employer=request.employer,
            actor=request.user,
            public_id=public_id,
            job_id=request.POST.get("job", ""),
            message=request.POST.get("message", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Invitation sent. You will see the candidate's name once they apply."),
        )
    return _back(public_id)


@recruiter_view
def pools(request: HttpRequest) -> HttpResponse:
    """The employer's talent pools; POST creates one."""
    form = PoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outreach.pool_create(
                employer=request.employer, actor=request.user, name=form.cleaned_data["name"]
            )
        except ApplicationError as exc:
            form.add_error("name", exc.message)
        else:
            messages.success(request, _("Talent pool created."))
            return redirect("careers:recruiter-pools")
    return _render(
        request, "pools.html", {"pools": pools_for(employer=request.employer), "form": form}
    )


@recruiter_view
def pool_detail(request: HttpRequest, pool_id: str) -> HttpResponse:
    """The candidates in one pool (only those still discoverable)."""
    pool = pool_get(employer=request.employer, pool_id=pool_id)
    rows = sourced_for(employer=request.employer, pool=pool)
    return _render(request, "pool_detail.html", {"pool": pool, "rows": rows})


@recruiter_view
@require_POST
def sourced_remove(request: HttpRequest, entry_id: str) -> HttpResponse:
    """Take a saved candidate out of a job's pipeline or a pool."""
    outreach.sourced_remove(employer=request.employer, entry_id=entry_id)
    messages.success(request, _("Removed."))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/recruiter/") else "careers:recruiter-pools")


# --- member side --------------------------------------------------------------------------------


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    """The member's invitations to apply, and whether they take invitations (and by e-mail)."""
    preference = outreach.outreach_preference(user=request.user)
    form = PreferenceForm(
        request.POST or None,
        initial={"invitations": preference.invitations, "email": preference.email},
    )
    if request.method == "POST" and form.is_valid():
        outreach.outreach_preference_update(
            user=request.user,
            invitations=form.cleaned_data["invitations"],
            email=form.cleaned_data["email"],
        )
        messages.success(request, _("Your choices are saved."))
        return redirect("careers:invitations")
    from careers.selectors.outreach import news_for_member
    from careers.services.pipeline import notifications_mark_read

    news = news_for_member(user=request.user)
    notifications_mark_read(user=request.user)
    return render(
        request,
        "careers/invitations.html",
        {"invitations": invitations_for_member(user=request.user), "form": form, "news": news},
    )


@login_required
@require_POST
def invitation_decline(request: HttpRequest, invitation_id: str) -> HttpResponse:
    """Decline one invitation; the employer is not told."""
    outreach.invitation_decline(user=request.user, invitation_id=invitation_id)
    messages.success(request, _("Invitation declined. The employer is not told."))
    return redirect("careers:invitations")


# --- the board per job and notes ------------------------------------------------------------


class NoteForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Private note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Only your employer's recruiters see notes and ratings."),
    )
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Rating"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *((str(n), f"{n}/5") for n in range(1, 6))],
    )


@recruiter_view
def job_board(request: HttpRequest, job_id: str) -> HttpResponse:
    """A job's board: a column per stage with counts; move cards with buttons."""
    from careers.selectors import job_get_for_recruiter
    from careers.selectors.outreach import job_board as board
    from careers.services.pipeline import REJECT_REASONS

    job = job_get_for_recruiter(user=request.user, job_id=job_id)
    return _render(
        request,
        "board.html",
        {
            "job": job,
            "columns": board(user=request.user, job=job),
            "reasons": list(REJECT_REASONS.items()),
        },
    )


@recruiter_view
@require_POST
def application_note(request: HttpRequest, application_id: str) -> HttpResponse:
    """Add a private note and/or rating to an application."""
    from careers.selectors import applications_granted_to
    from careers.services.outreach import _uuid
    from careers.services.pipeline import note_add

    application = applications_granted_to(user=request.user).filter(pk=_uuid(application_id))
    found = application.first()
    if found is None:
        raise Http404
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note_add(
                application=found,
                actor=request.user,
                body=form.cleaned_data["body"],
                rating=form.cleaned_data["rating"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Note saved."))
    else:
        messages.error(request, _("Check the note and the rating."))
    return redirect("careers:recruiter-application", application_id=found.pk)
