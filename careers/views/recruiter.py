"""Recruiter portal (/recruiter/): jobs, applicants, candidate search, saved searches.

Only members of an employer get in; everyone else gets 404 (the portal's existence is no
secret, but nobody learns anything from it). Views are thin: selectors and services do the work.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import employer_acted_for, employers_of, user_employer_ids
from careers.forms.recruiter import (
    CandidateSearchForm,
    JobForm,
    JobStatusForm,
    NoteForm,
    SavedSearchForm,
)
from careers.http import RecruiterRequest, SignedInRequest
from careers.models import Application, Job
from careers.search_query import CandidateQuery
from careers.search_text import query_from_params, query_sentence
from careers.selectors import (
    application_get_for_recruiter,
    application_granted_get,
    applications_for_job,
    job_get_for_recruiter,
    jobs_for_employer,
)
from careers.selectors.outreach import outreach_targets, sourced_for
from careers.selectors.recruiters import (
    candidate_get_for_recruiter,
    saved_searches_for,
)
from careers.selectors.search import candidate_search
from careers.services import saved_searches as saved_search_services
from careers.services.alerts import saved_search_set_alert
from careers.services.applications import RECRUITER_STAGES, application_move
from careers.services.jobs import job_create, job_set_status, job_update
from careers.services.pipeline import REJECT_REASONS
from config.errors import ApplicationError
from config.throttling import ScopedRateThrottle

if TYPE_CHECKING:
    from accounts.models import Employer

SESSION_KEY = "recruiter_employer_id"
JOB_FIELDS = (
    "title",
    "description",
    "location_city",
    "remote_mode",
    "job_type",
    "seniority",
    "salary_min",
    "salary_max",
    "currency",
)


def recruiter_view(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Require a signed-in member of an employer; pass the employer they act for."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # login_required let only signed-in users through: the cast records that.
        recruiter = cast(RecruiterRequest, request)
        employer = employer_acted_for(
            user=recruiter.user, employer_id=request.session.get(SESSION_KEY)
        ) or employer_acted_for(user=recruiter.user)
        if employer is None:
            raise Http404
        recruiter.employer = employer
        return view(recruiter, *args, **kwargs)

    return wrapper


def _render(
    request: RecruiterRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context.setdefault("employer", request.employer)
    context.setdefault("employers", employers_of(user=request.user))
    context.setdefault(
        "is_owner",
        request.employer.pk in user_employer_ids(user=request.user, owner_only=True),
    )
    return render(request, f"careers/recruiter/{template}", context, status=status)


def _errors_to_form(form: Any, exc: ValidationError | ApplicationError) -> None:
    fields = (
        exc.message_dict
        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict")
        else getattr(exc, "fields", {})
    )
    handled = False
    for name, errors in (fields or {}).items():
        target = name if name in form.fields else None
        if name == "skills":
            target = "required_skills" if "required_skills" in form.fields else None
        for error in errors:
            form.add_error(target, error)
            handled = True
    if not handled:
        form.add_error(None, _error_text(exc))


def _error_text(exc: ValidationError | ApplicationError) -> Any:
    """The error as one line: its message, else a validation error's messages joined."""
    message = getattr(exc, "message", None)
    if message or isinstance(exc, ApplicationError):
        return message
    return " ".join(exc.messages)


@login_required
@require_POST
def employer_switch(request: SignedInRequest) -> HttpResponse:
    """Act for another of the user's employers."""
    employer = employer_acted_for(user=request.user, employer_id=request.POST.get("employer"))
    if employer is None:
        raise Http404
    request.session[SESSION_KEY] = str(employer.pk)
    return redirect("careers:recruiter-dashboard")


@recruiter_view
def dashboard(request: RecruiterRequest) -> HttpResponse:
    """The employer's jobs, newest first, with applicant counts."""
    jobs = jobs_for_employer(user=request.user, employer_id=request.employer.pk)
    return _render(request, "dashboard.html", {"jobs": jobs})


@recruiter_view
def job_new(request: RecruiterRequest) -> HttpResponse:
    """Create a job (draft, or open at once)."""
    form = JobForm(request.POST or None, initial={"currency": "IDR"})
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in JOB_FIELDS}
        status = Job.Status.OPEN if "open" in request.POST else Job.Status.DRAFT
        try:
            job = job_create(
                employer=request.employer,
                actor=request.user,
                skills=form.skills(),
                status=status,
                **fields,
            )
        except (ValidationError, ApplicationError) as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Job saved."))
            return redirect("careers:recruiter-job", job_id=job.pk)
    return _render(request, "job_form.html", {"form": form, "job": None})


def _job_initial(job: Job) -> dict[str, Any]:
    initial = {name: getattr(job, name) for name in JOB_FIELDS}
    skills = list(job.job_skills.select_related("skill"))
    initial["required_skills"] = ", ".join(
        f"{s.skill.name}:{s.weight}" for s in skills if s.required
    )
    initial["nice_skills"] = ", ".join(
        f"{s.skill.name}:{s.weight}" for s in skills if not s.required
    )
    return initial


@recruiter_view
def job_detail(request: RecruiterRequest, job_id: uuid.UUID) -> HttpResponse:
    """A job: edit form, status, and its applicants (only those granted to this recruiter)."""
    job = job_get_for_recruiter(user=request.user, job_id=job_id)
    form = JobForm(request.POST or None, initial=_job_initial(job))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in JOB_FIELDS}
        try:
            job_update(job=job, actor=request.user, skills=form.skills(), **fields)
        except (ValidationError, ApplicationError) as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Job saved."))
            return redirect("careers:recruiter-job", job_id=job.pk)
    applications = applications_for_job(user=request.user, job_id=job.pk)
    return _render(
        request,
        "job_detail.html",
        {
            "sourced": sourced_for(employer=job.employer, job=job),
            "job": job,
            "form": form,
            "status_form": JobStatusForm(initial={"status": job.status}),
            "applications": applications,
        },
    )


@recruiter_view
@require_POST
def job_status(request: RecruiterRequest, job_id: uuid.UUID) -> HttpResponse:
    """Open, close or return a job to draft."""
    job = job_get_for_recruiter(user=request.user, job_id=job_id)
    form = JobStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
    else:
        try:
            job_set_status(job=job, actor=request.user, status=form.cleaned_data["status"])
        except (ValidationError, ApplicationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request, _("Status changed to %(s)s.") % {"s": job.get_status_display()}
            )
    return redirect("careers:recruiter-job", job_id=job.pk)


@recruiter_view
def application_detail(request: RecruiterRequest, application_id: uuid.UUID) -> HttpResponse:
    """An applicant's shared profile snapshot, with stage buttons (the view is access-logged)."""
    application = application_get_for_recruiter(user=request.user, application_id=application_id)
    stages = [
        (value, label) for value, label in Application.Stage.choices if value in RECRUITER_STAGES
    ]
    return _render(
        request,
        "application_detail.html",
        {
            "application": application,
            "p": application.profile_snapshot,
            "stages": [s for s in stages if s[0] != Application.Stage.REJECTED],
            "reasons": list(REJECT_REASONS.items()),
            "notes": application.notes.select_related("author").order_by("created_at"),
            "note_form": NoteForm(),
        },
    )


@recruiter_view
@require_POST
def application_stage(request: RecruiterRequest, application_id: uuid.UUID) -> HttpResponse:
    """Move an application to another stage."""
    application = application_granted_get(user=request.user, application_id=application_id)
    try:
        application_move(
            application=application,
            actor=request.user,
            stage=request.POST.get("stage", ""),
            reason=request.POST.get("reason", ""),
            message=request.POST.get("message", ""),
        )
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Stage changed. The applicant is told."))
    if request.POST.get("next") == "board":
        return redirect("careers:recruiter-job-board", job_id=application.job_id)
    return redirect("careers:recruiter-application", application_id=application.pk)


class _SearchScope:
    throttle_scope = "candidate_search"


def _search_allowed(request: HttpRequest) -> bool:
    """Apply the API's ``candidate_search`` rate limit to the portal too (same cache keys)."""
    return ScopedRateThrottle().allow_request(request, _SearchScope())  # type: ignore[arg-type]  # reads only throttle_scope


@recruiter_view
def candidates(request: RecruiterRequest) -> HttpResponse:
    """Candidate search: filters in the sidebar, cards, pagination, save this search."""
    if not _search_allowed(request):
        messages.error(request, _("Too many searches in a short time. Please wait a minute."))
        return _render(request, "candidates.html", {"form": CandidateSearchForm()}, status=429)
    form = CandidateSearchForm(request.GET or None)
    page = None
    query = None
    searched = bool(request.GET)
    if not searched or form.is_valid():
        query = form.to_query() if searched else CandidateQuery()
        try:
            page = candidate_search(employer=request.employer, query=query)
        except ApplicationError as exc:
            messages.error(request, exc.message)
    params = query.as_params() if query else {}
    return _render(
        request,
        "candidates.html",
        {
            # Refining the filters starts again at page 1.
            "form": _without_page(form) if searched else CandidateSearchForm(),
            "page": page,
            "query": query,
            "params": urlencode(params),
            "prev_params": urlencode(query.as_params(page=page.page - 1)) if page and query else "",
            "next_params": urlencode(query.as_params(page=page.page + 1)) if page and query else "",
            "page_links": [
                (n, urlencode(query.as_params(page=n)) if n and query else "")
                for n in (page.page_numbers() if page and query else [])
            ],
            "sentence": query_sentence(query) if query else "",
            "save_form": SavedSearchForm(),
            "saved": _saved_rows(request.employer),
        },
    )


def _saved_rows(employer: Employer) -> list[tuple[Any, str, str]]:
    """Each saved search with its link and its filters as a sentence in the page's language."""
    rows = []
    for saved in saved_searches_for(employer=employer):
        query = query_from_params(saved.params)
        sentence = query_sentence(query) if query else _("These filters no longer apply.")
        rows.append((saved, urlencode(saved.params), sentence))
    return rows


def _without_page(form: CandidateSearchForm) -> CandidateSearchForm:
    if form.errors:
        return form
    data = cast(QueryDict, form.data).copy()  # the portal's search form reads request.GET
    data.pop("page", None)
    return CandidateSearchForm(data)


@recruiter_view
def candidate_detail(request: RecruiterRequest, public_id: uuid.UUID) -> HttpResponse:
    """A candidate's full profile (discoverable, or applied here); the view is access-logged."""
    candidate = candidate_get_for_recruiter(
        user=request.user, employer=request.employer, public_id=public_id
    )
    context = {"candidate": candidate, "p": candidate.data}
    if candidate.source == "discovery":
        context |= outreach_targets(employer=request.employer)
    return _render(request, "candidate_detail.html", context)


@recruiter_view
def saved_searches(request: RecruiterRequest) -> HttpResponse:
    """List saved searches; POST saves the search described by the query string."""
    if request.method == "POST":
        form = SavedSearchForm(request.POST)
        filters = CandidateSearchForm(request.GET)
        if form.is_valid() and filters.is_valid():
            try:
                saved_search_services.saved_search_create(
                    employer=request.employer,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    query=filters.to_query(),
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Search saved."))
                return redirect("careers:recruiter-searches")
        else:
            messages.error(request, _("Give the search a name, and check the filters."))
        return HttpResponseRedirect(
            reverse("careers:recruiter-candidates") + "?" + request.GET.urlencode()
        )
    return _render(request, "saved_searches.html", {"rows": _saved_rows(request.employer)})


@recruiter_view
@require_POST
def saved_search_alert(request: RecruiterRequest, saved_search_id: uuid.UUID) -> HttpResponse:
    """Turn a saved search's daily e-mail of new candidates on or off."""
    saved = saved_search_set_alert(
        employer=request.employer,
        saved_search_id=saved_search_id,
        alert=request.POST.get("alert") == "on",
    )
    messages.success(
        request,
        _("You will get a daily e-mail of new candidates.")
        if saved.alert
        else _("The daily e-mail is off."),
    )
    return redirect("careers:recruiter-searches")


@recruiter_view
@require_POST
def saved_search_delete(request: RecruiterRequest, saved_search_id: uuid.UUID) -> HttpResponse:
    """Delete one of the employer's saved searches."""
    saved_search_services.saved_search_delete(
        employer=request.employer, saved_search_id=saved_search_id
    )
    messages.success(request, _("Saved search deleted."))
    return redirect("careers:recruiter-searches")
