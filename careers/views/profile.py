"""The member's career profile pages: one overview with a form per part."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from careers import selectors, services
from careers.forms.member import (
    EducationForm,
    EmploymentForm,
    PreferenceForm,
    ProfileForm,
    ServiceForm,
    SkillForm,
    SkillLevelForm,
)
from careers.http import SignedInRequest
from careers.models import Education, Employment

SECTIONS = ("about", "employment", "education", "skills", "preference")
SAVED_MESSAGES = {
    "employment": _lazy("Employment history saved."),
    "education": _lazy("Education saved."),
}


def _saved(request: SignedInRequest, section: str) -> HttpResponse:
    """Back to the profile, at the section just saved, which says so."""
    return redirect(f"{reverse('careers:profile')}?saved={section}#{section}")


def _overview(request: SignedInRequest, **forms: Any) -> HttpResponse:
    profile = selectors.profile_for_user(user=request.user)
    preference = selectors.preference_of(profile) if profile else None
    profile_initial = (
        {
            "headline": profile.headline,
            "summary": profile.summary,
            "location_city": profile.location_city,
            "location_country": profile.location_country,
            "visibility": profile.visibility,
            "hide_from_current_employer": profile.hide_from_current_employer,
        }
        if profile
        else {"hide_from_current_employer": True}
    )
    preference_initial = (
        {
            "titles": ", ".join(preference.titles),
            "locations": ", ".join(preference.locations),
            "remote_modes": preference.remote_modes,
            "job_types": preference.job_types,
            "min_salary": preference.min_salary,
            "currency": preference.currency,
            "share_salary": preference.share_salary,
            "open_to_relocation": preference.open_to_relocation,
        }
        if preference
        else {}
    )
    context = {
        "profile": profile,
        # Exactly who "hide me from my current employer" hides this member from, by name.
        "hidden_from": selectors.employers_hidden_from(profile=profile) if profile else [],
        "has_current_job": profile is not None
        and any(e.is_current for e in profile.employments.all()),
        "profile_form": forms.get("profile_form") or ProfileForm(initial=profile_initial),
        "employment_form": forms.get("employment_form") or EmploymentForm(prefix="employment"),
        "education_form": forms.get("education_form") or EducationForm(prefix="education"),
        "skill_form": forms.get("skill_form") or SkillForm(prefix="skill"),
        "preference_form": forms.get("preference_form")
        or PreferenceForm(initial=preference_initial, prefix="preference"),
        "catalogue": selectors.skill_suggestions(),
        "saved_section": request.GET.get("saved") if request.GET.get("saved") in SECTIONS else "",
        "level_forms": {
            row.pk: SkillLevelForm(
                prefix=f"s{row.pk}", initial={"proficiency": row.proficiency, "years": row.years}
            )
            for row in (profile.skills.all() if profile else [])
        },
    }
    status = 400 if any(forms.values()) else 200
    return render(request, "careers/profile.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: SignedInRequest) -> HttpResponse:
    """Show the whole profile; POST saves the basics."""
    if request.method == "GET":
        return _overview(request)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            services.profile_update(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("About me saved."))
            return _saved(request, "about")
    return _overview(request, profile_form=form)


def _entry_view(
    request: SignedInRequest,
    *,
    form_class: type[ServiceForm],
    prefix: str,
    add: Any,
    update: Any,
    model: type[Model],
    entry_id: Any = None,
    id_kw: str,
    template: str,
) -> HttpResponse:
    """Add (entry_id None) or edit one employment/education entry."""
    instance = None
    if entry_id is not None:
        profile_obj = selectors.profile_for_user(user=request.user)
        instance = (
            model._default_manager.filter(profile=profile_obj, pk=entry_id).first()
            if profile_obj
            else None
        )
        if instance is None:
            raise Http404
    if request.method == "POST":
        form = form_class(request.POST, prefix=prefix)
        if form.is_valid():
            try:
                if instance is None:
                    add(user=request.user, **form.cleaned_data)
                else:
                    update(user=request.user, **{id_kw: instance.pk}, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, SAVED_MESSAGES[prefix])
                return _saved(request, prefix)
        if instance is None:
            return _overview(request, **{f"{prefix}_form": form})
        return render(request, template, {"form": form, "instance": instance}, status=400)
    initial = {f: getattr(instance, f) for f in form_class.base_fields} if instance else {}
    form = form_class(initial=initial, prefix=prefix)
    return render(request, template, {"form": form, "instance": instance})


@login_required
@require_http_methods(["GET", "POST"])
def employment_edit(request: SignedInRequest, entry_id: Any = None) -> HttpResponse:
    """Add or change a job in the member's history."""
    return _entry_view(
        request,
        form_class=EmploymentForm,
        prefix="employment",
        add=services.employment_add,
        update=services.employment_update,
        model=Employment,
        entry_id=entry_id,
        id_kw="employment_id",
        template="careers/employment_form.html",
    )


@login_required
@require_POST
def employment_delete(request: SignedInRequest, entry_id: Any) -> HttpResponse:
    services.employment_delete(user=request.user, employment_id=entry_id)
    messages.success(request, _("Job removed from your employment history."))
    return _saved(request, "employment")


@login_required
@require_http_methods(["GET", "POST"])
def education_edit(request: SignedInRequest, entry_id: Any = None) -> HttpResponse:
    """Add or change an education entry."""
    return _entry_view(
        request,
        form_class=EducationForm,
        prefix="education",
        add=services.education_add,
        update=services.education_update,
        model=Education,
        entry_id=entry_id,
        id_kw="education_id",
        template="careers/education_form.html",
    )


@login_required
@require_POST
def education_delete(request: SignedInRequest, entry_id: Any) -> HttpResponse:
    services.education_delete(user=request.user, education_id=entry_id)
    messages.success(request, _("Education removed."))
    return _saved(request, "education")


@login_required
@require_POST
def skill_add(request: SignedInRequest) -> HttpResponse:
    """Add a skill by name or alias."""
    form = SkillForm(request.POST, prefix="skill")
    if form.is_valid():
        try:
            row = services.profile_skill_add(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "skills" in exc.error_dict:
                form.add_error("name", exc.message_dict["skills"])
            else:
                form.add_service_errors(exc)
        else:
            messages.success(request, _("Added %(skill)s.") % {"skill": row.skill.name})
            return _saved(request, "skills")
    return _overview(request, skill_form=form)


@login_required
@require_POST
def skill_update(request: SignedInRequest, skill_id: int) -> HttpResponse:
    """Change the level and years of one of the member's skills."""
    form = SkillLevelForm(request.POST, prefix=f"s{skill_id}")
    if form.is_valid():
        try:
            row = services.profile_skill_update(
                user=request.user, skill_id=skill_id, **form.cleaned_data
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(skill)s updated.") % {"skill": row.skill.name})
            return _saved(request, "skills")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return _saved(request, "skills")


@login_required
@require_POST
def skill_remove(request: SignedInRequest, skill_id: int) -> HttpResponse:
    services.profile_skill_remove(user=request.user, skill_id=skill_id)
    messages.success(request, _("Skill removed."))
    return _saved(request, "skills")


@login_required
@require_POST
def preferences(request: SignedInRequest) -> HttpResponse:
    """Save what the member is looking for."""
    form = PreferenceForm(request.POST, prefix="preference")
    if form.is_valid():
        try:
            services.preference_update(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Preferences saved."))
            return _saved(request, "preference")
    return _overview(request, preference_form=form)
