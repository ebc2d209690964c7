"""Recruiter portal outreach pages: save a candidate to a job or a talent pool, invite to apply,
talent pools. Member side: the invitations page (answer, decline, choices)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from careers.forms.member import OutreachPreferenceForm
from careers.forms.recruiter import NoteForm, PoolForm
from careers.http import RecruiterRequest, SignedInRequest
from careers.selectors import application_granted_get, job_get_for_recruiter
from careers.selectors.outreach import (
    invitations_for_member,
    pool_get,
    pools_for,
    sourced_for,
)
from careers.selectors.outreach import job_board as board
from careers.services import outreach
from careers.services.pipeline import REJECT_REASONS, note_add
from careers.views.recruiter import _render, recruiter_view
from config.errors import ApplicationError


def _back(public_id: uuid.UUID) -> HttpResponse:
    return redirect("careers:recruiter-candidate", public_id=public_id)


@recruiter_view
@require_POST
def candidate_save(request: RecruiterRequest, public_id: uuid.UUID) -> HttpResponse:
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
def candidate_invite(request: RecruiterRequest, public_id: uuid.UUID) -> HttpResponse:
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
def pools(request: RecruiterRequest) -> HttpResponse:
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
def pool_detail(request: RecruiterRequest, pool_id: uuid.UUID) -> HttpResponse:
    """The candidates in one pool (only those still discoverable)."""
    pool = pool_get(employer=request.employer, pool_id=pool_id)
    rows = sourced_for(employer=request.employer, pool=pool)
    return _render(request, "pool_detail.html", {"pool": pool, "rows": rows})


@recruiter_view
@require_POST
def sourced_remove(request: RecruiterRequest, entry_id: uuid.UUID) -> HttpResponse:
    """Take a saved candidate out of a job's pipeline or a pool."""
    outreach.sourced_remove(employer=request.employer, entry_id=entry_id)
    messages.success(request, _("Removed."))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/recruiter/") else "careers:recruiter-pools")


# --- member side --------------------------------------------------------------------------------


@login_required
def invitations(request: SignedInRequest) -> HttpResponse:
    """The member's invitations to apply, and whether they take invitations (and by e-mail)."""
    preference = outreach.outreach_preference(user=request.user)
    form = OutreachPreferenceForm(
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
def invitation_decline(request: SignedInRequest, invitation_id: uuid.UUID) -> HttpResponse:
    """Decline one invitation; the employer is not told."""
    outreach.invitation_decline(user=request.user, invitation_id=invitation_id)
    messages.success(request, _("Invitation declined. The employer is not told."))
    return redirect("careers:invitations")


# --- the board per job and notes ------------------------------------------------------------


@recruiter_view
def job_board(request: RecruiterRequest, job_id: uuid.UUID) -> HttpResponse:
    """A job's board: a column per stage with counts; move cards with buttons."""
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
def application_note(request: RecruiterRequest, application_id: uuid.UUID) -> HttpResponse:
    """Add a private note and/or rating to an application."""
    found = application_granted_get(user=request.user, application_id=application_id)
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
