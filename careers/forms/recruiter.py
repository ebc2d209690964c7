"""Recruiter portal forms: candidate search filters, saved searches, jobs, pools, notes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from careers.candidate_filters import PARAMETERS
from careers.models import Job
from careers.search_query import CandidateQuery


class CandidateSearchForm(forms.Form):
    """Search filters; also validates API query parameters and saved-search params.

    Its fields are the filter declarations' (``careers.candidate_filters.PARAMETERS``), in order.
    """

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and hasattr(data, "getlist") and len(data.getlist("skills")) > 1:
            # ?skills=python&skills=django is the same as ?skills=python,django
            data = data.copy()
            data["skills"] = ",".join(data.getlist("skills"))
        super().__init__(data, *args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for parameter in PARAMETERS:
            if parameter.clean is not None and parameter.name in data:
                try:
                    data[parameter.name] = parameter.clean(data[parameter.name])
                except forms.ValidationError as exc:
                    self.add_error(parameter.name, exc)
        return data

    def to_query(self) -> CandidateQuery:
        """Return the validated filters (call after ``is_valid()``)."""
        data = self.cleaned_data
        return CandidateQuery(**{p.name: p.query_value(data.get(p.name)) for p in PARAMETERS})


# Set after the class: the form metaclass would replace a ``base_fields`` written in the body.
CandidateSearchForm.base_fields = {p.name: p.form_field() for p in PARAMETERS}


class SavedSearchForm(forms.Form):
    """Name for the current search."""

    name = forms.CharField(label=_("Name this search"), max_length=120)


class JobForm(forms.Form):
    """Create or edit a job; skills are "name" or "name:weight", "*" marks nice-to-have."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    location_city = forms.CharField(label=_("City"), max_length=100, required=False)
    remote_mode = forms.ChoiceField(label=_("Work mode"), choices=Job.RemoteMode.choices)
    job_type = forms.ChoiceField(label=_("Job type"), choices=Job.JobType.choices)
    seniority = forms.ChoiceField(label=_("Seniority"), choices=Job.Seniority.choices)
    salary_min = forms.IntegerField(label=_("Salary from (monthly)"), required=False, min_value=0)
    salary_max = forms.IntegerField(label=_("Salary to (monthly)"), required=False, min_value=0)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="IDR")
    required_skills = forms.CharField(
        label=_("Required skills"),
        required=False,
        help_text=_("Comma-separated; add a weight 1-5 after a colon, e.g. Python:5, Django:4."),
    )
    nice_skills = forms.CharField(
        label=_("Nice-to-have skills"), required=False, help_text=_("Same format.")
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        low, high = data.get("salary_min"), data.get("salary_max")
        if low is not None and high is not None and high < low:
            self.add_error("salary_max", _("The top of the range is below the bottom."))
        return data

    def skills(self) -> list[dict[str, Any]]:
        """Return the skills as the job services take them."""
        items: list[dict[str, Any]] = []
        for field, required in (("required_skills", True), ("nice_skills", False)):
            for raw in (self.cleaned_data.get(field) or "").split(","):
                name, _sep, weight = raw.partition(":")
                if name.strip():
                    try:
                        level = min(5, max(1, int(weight))) if weight.strip() else 3
                    except ValueError:
                        level = 3
                    items.append({"name": name.strip(), "required": required, "weight": level})
        return items


class JobStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Job.Status.choices)


class PoolForm(forms.Form):
    name = forms.CharField(label=_("New talent pool"), max_length=120)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Private note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only your employer's recruiters see notes and ratings."),
    )
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *((str(n), f"{n}/5") for n in range(1, 6))],
    )
