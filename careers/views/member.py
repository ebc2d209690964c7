"""Member job pages: browse and search, detail, save/dismiss, apply, recommendations,
activity and applications."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from careers import selectors, services
from careers.forms.member import ApplyForm, JobSearchApiForm, JobSearchForm
from careers.http import SignedInRequest
from careers.models import ActivityEvent, Application
from config.errors import ApplicationError
from config.formatting import format_money
from consent.purposes import PurposeCode
from consent.selectors import has_consent, require_consent

PAGE_SIZE = 20


@login_required
def job_list(request: SignedInRequest) -> HttpResponse:
    """Browse and search open jobs; works without any consent (searches recorded only with it)."""
    form = JobSearchForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    jobs = selectors.job_search(**filters)
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    if (
        form.is_bound
        and any(v for v in filters.values())
        and request.GET.get("page") in (None, "1")
    ):
        services.activity_record(
            user=request.user,
            kind=ActivityEvent.Kind.SEARCHED,
            query={k: v for k, v in filters.items() if v},
        )
    marks = selectors.job_marks_for_user(
        user=request.user, job_ids=[job.pk for job in page.object_list]
    )
    for job in page.object_list:
        job.marks = marks.get(job.pk, set())
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "querystring": query.urlencode(),
        "recommendations_on": has_consent(request.user, PurposeCode.JOB_RECOMMENDATIONS),
    }
    return render(request, "careers/job_list.html", context)


@login_required
def job_detail(request: SignedInRequest, job_id: Any) -> HttpResponse:
    """One job, with save, dismiss and apply."""
    job = selectors.job_get_for_member(user=request.user, job_id=job_id)
    services.activity_record(user=request.user, kind=ActivityEvent.Kind.VIEWED, job=job)
    application = (
        selectors.applications_for_user(user=request.user)
        .filter(job=job)
        .exclude(stage=Application.Stage.WITHDRAWN)
        .first()
    )
    context = {
        "job": job,
        "marks": selectors.job_marks_for_user(user=request.user, job_ids=[job.pk]).get(
            job.pk, set()
        ),
        "application": application,
        "recommendations_on": has_consent(request.user, PurposeCode.JOB_RECOMMENDATIONS),
        # Why this job fits (or does not): the same reasons as on the recommendations list.
        "match": selectors.job_recommendation(user=request.user, job=job),
    }
    return render(request, "careers/job_detail.html", context)


@login_required
@require_POST
def job_mark(request: SignedInRequest, job_id: Any, kind: str) -> HttpResponse:
    """Save/dismiss (or undo) a job; asks for recommendations consent first if missing."""
    job = selectors.job_get_for_member(user=request.user, job_id=job_id)
    request.consent_back_url = reverse("careers:job_detail", args=[job.pk])
    undo = request.POST.get("undo") == "1"
    if undo:
        services.job_unmark(user=request.user, job=job, kind=kind)
    else:
        services.job_mark(user=request.user, job=job, kind=kind)
    labels = {
        (ActivityEvent.Kind.SAVED, False): _("Job saved."),
        (ActivityEvent.Kind.SAVED, True): _("Job no longer saved."),
        (ActivityEvent.Kind.DISMISSED, False): _("Job dismissed: we will not recommend it."),
        (ActivityEvent.Kind.DISMISSED, True): _("Job no longer dismissed."),
    }
    messages.success(request, labels[(ActivityEvent.Kind(kind), undo)])
    # Cards on the recommendations and saved lists come back to their list.
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("careers:job_detail", job_id=job.pk)


@login_required
@require_http_methods(["GET", "POST"])
def job_apply(request: SignedInRequest, job_id: Any) -> HttpResponse:
    """Apply with an optional note; asks for the sharing consent first (the middleware prompts)."""
    job = selectors.job_get_for_member(user=request.user, job_id=job_id)
    # "Not now" on the consent prompt returns to the job, not to this page (which asks again).
    request.consent_back_url = reverse("careers:job_detail", args=[job.pk])
    require_consent(request.user, PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS)
    form = ApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(
                user=request.user, job_id=job.pk, note=form.cleaned_data["note"]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("careers:job_detail", job_id=job.pk)
        messages.success(
            request,
            _("Applied. %(employer)s can now see the profile you shared.")
            % {"employer": job.employer.name},
        )
        return redirect("careers:applications")
    profile = selectors.profile_for_user(user=request.user)
    preview = selectors.profile_public_dict(profile, include_contact=True) if profile else None
    if preview:
        # The shared dict carries ISO dates; the page shows them in the page language's format.
        for entry in preview.get("employment", []):
            entry["start_date"] = parse_date(entry["start_date"] or "")
            entry["end_date"] = parse_date(entry["end_date"] or "")
    context = {"job": job, "form": form, "preview": preview}
    return render(request, "careers/apply.html", context, status=400 if form.errors else 200)


@login_required
def recommended(request: SignedInRequest) -> HttpResponse:
    """Recommended jobs with reasons; asks for the recommendations consent first."""
    request.consent_back_url = reverse("careers:jobs")
    recommendations = selectors.jobs_recommended(user=request.user, limit=30)
    marks = selectors.job_marks_for_user(
        user=request.user, job_ids=[rec.job.pk for rec in recommendations]
    )
    for rec in recommendations:
        rec.job.marks = marks.get(rec.job.pk, set())
    context = {
        # Good matches first; weaker ones only when the member asks ("show more").
        "recommendations": [r for r in recommendations if r.score >= selectors.GOOD_MATCH],
        "weaker": [r for r in recommendations if r.score < selectors.GOOD_MATCH],
        "good_match": selectors.GOOD_MATCH,
    }
    return render(request, "careers/recommended.html", context)


@login_required
def saved_jobs(request: SignedInRequest) -> HttpResponse:
    """The jobs the member saved, newest first; closed ones say so."""
    jobs = selectors.jobs_marked_by_user(user=request.user, kind=ActivityEvent.Kind.SAVED)
    for job in jobs:
        job.marks = {"saved"}
    context = {
        "jobs": jobs,
        "recommendations_on": has_consent(request.user, PurposeCode.JOB_RECOMMENDATIONS),
    }
    return render(request, "careers/saved.html", context)


def _search_words(query: dict[str, Any]) -> list[tuple[str, str]]:
    """A recorded search as the member reads it: field labels and choice names translated."""
    fields = JobSearchApiForm.base_fields
    words = []
    for key, value in query.items():
        field = fields.get(key)
        if key == "employer_id":  # searches made through the API filter by employer id
            label = _("Employer")
        else:
            label = str(field.label) if field is not None and field.label else key
        if isinstance(value, list):
            shown = ", ".join(str(v) for v in value)
        elif key == "min_salary":
            shown = format_money(value, "IDR")
        elif field is not None and (choices := getattr(field, "choices", None)):
            # A choice field's choices: (value, label) pairs, flat in these forms.
            shown = str(dict(cast("list[tuple[Any, Any]]", choices)).get(value, value))
        else:
            shown = str(value)
        words.append((label, shown))
    return words


@login_required
@require_http_methods(["GET", "POST"])
def activity(request: SignedInRequest) -> HttpResponse:
    """The member's job-search activity; POST deletes one event or all of it."""
    if request.method == "POST":
        event_id = request.POST.get("event_id") or None
        deleted = services.activity_delete(user=request.user, event_id=event_id)
        messages.success(
            request,
            _("Deleted.") if event_id else _("Deleted all %(n)d events.") % {"n": deleted},
        )
        return redirect("careers:activity")
    page = Paginator(selectors.activity_for_user(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    for event in page.object_list:
        event.query_words = _search_words(event.query or {})
    context = {
        "page": page,
        "recording": has_consent(request.user, PurposeCode.JOB_RECOMMENDATIONS),
    }
    return render(request, "careers/activity.html", context)


@login_required
def applications(request: SignedInRequest) -> HttpResponse:
    """The member's applications and their stages."""
    rows = selectors.applications_for_user(user=request.user).prefetch_related("stage_changes")
    return render(request, "careers/applications.html", {"applications": rows})


@login_required
@require_POST
def application_withdraw(request: SignedInRequest, application_id: Any) -> HttpResponse:
    """Withdraw an application; tell the member which employer loses access."""
    notes = services.application_withdraw(user=request.user, application_id=application_id)
    messages.success(request, _("Application withdrawn."))
    for note in notes:
        messages.info(request, note)
    return redirect("careers:applications")
