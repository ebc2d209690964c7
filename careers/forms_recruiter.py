"""Recruiter forms: candidate search filters, saved searches, jobs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from careers.models import Job
from careers.search import MAX_PAGE, MAX_SKILLS, REMOTE_MODES, CandidateQuery

TRUE_VALUES = {"true", "1", "yes", "on"}
FALSE_VALUES = {"", "false", "0", "no", "off"}


class CandidateSearchForm(forms.Form):
    """Search filters; also validates API query parameters and saved-search params."""

    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=600,
        help_text=_("Comma-separated, e.g. Python, Django. Aliases work (JS, k8s, Akuntansi)."),
    )
    match = forms.ChoiceField(
        label=_("Match"),
        required=False,
        choices=[("all", _("All of these skills")), ("any", _("Any of these skills"))],
    )
    q = forms.CharField(label=_("Title keywords"), required=False, max_length=200)
    title_scope = forms.ChoiceField(
        label=_("Title held"),
        required=False,
        choices=[("any", _("Now or in the past")), ("current", _("Now"))],
    )
    location = forms.CharField(
        label=_("Lives in"),
        required=False,
        max_length=100,
        help_text=_("The city the member lives in."),
    )
    work_location = forms.CharField(
        label=_("Willing to work in"),
        required=False,
        max_length=100,
        help_text=_("A city the member wants to work in, or lives in."),
    )
    remote = forms.ChoiceField(
        label=_("Work mode wanted"),
        required=False,
        choices=[
            ("", _("Any")),
            ("remote", _("Remote")),
            ("hybrid", _("Hybrid")),
            ("onsite", _("On-site")),
        ],
    )
    min_years = forms.IntegerField(
        label=_("Minimum years of experience"), required=False, min_value=0, max_value=60
    )
    education = forms.TypedChoiceField(
        label=_("Education"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Any")),
            ("1", _("Secondary school or higher")),
            ("2", _("Diploma or higher")),
            ("3", _("Bachelor's degree or higher")),
            ("4", _("Master's degree or higher")),
            ("5", _("Doctorate")),
        ],
    )
    field_of_study = forms.CharField(label=_("Field of study"), required=False, max_length=120)
    active_days = forms.TypedChoiceField(
        label=_("Last active"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Any time")),
            ("7", _("In the last 7 days")),
            ("30", _("In the last 30 days")),
            ("90", _("In the last 90 days")),
            ("365", _("In the last year")),
        ],
    )
    verified = forms.CharField(
        label=_("Identity"),
        required=False,
        max_length=5,
        # A select, not a checkbox: CheckboxInput reads any unknown string as True, and the
        # API must reject ?verified=maybe.
        widget=forms.Select(choices=[("", _("Anyone")), ("true", _("Verified only"))]),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("relevance", _("Relevance")),
            ("recent", _("Recently active")),
            ("years", _("Years of experience")),
        ],
    )
    page = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput
    )

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and hasattr(data, "getlist") and len(data.getlist("skills")) > 1:
            # ?skills=python&skills=django is the same as ?skills=python,django
            data = data.copy()
            data["skills"] = ",".join(data.getlist("skills"))
        super().__init__(data, *args, **kwargs)

    def clean_skills(self) -> list[str]:
        names = []
        for raw in self.cleaned_data["skills"].split(","):
            name = " ".join(raw.split())
            if name and name.lower() not in {n.lower() for n in names}:
                if len(name) > 100:
                    raise forms.ValidationError(_("A skill name is at most 100 characters."))
                names.append(name)
        if len(names) > MAX_SKILLS:
            raise forms.ValidationError(
                _("Search for at most %(n)d skills at once.") % {"n": MAX_SKILLS}
            )
        return names

    def clean_match(self) -> str:
        return self.cleaned_data["match"] or "all"

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def clean_location(self) -> str:
        return " ".join(self.cleaned_data["location"].split())

    def clean_work_location(self) -> str:
        return " ".join(self.cleaned_data["work_location"].split())

    def clean_field_of_study(self) -> str:
        return " ".join(self.cleaned_data["field_of_study"].split())

    def clean_verified(self) -> bool:
        value = self.cleaned_data["verified"].strip().lower()
        if value in TRUE_VALUES:
            return True
        if value in FALSE_VALUES:
            return False
        raise forms.ValidationError(_("Use true or false."))

    def to_query(self) -> CandidateQuery:
        """Return the validated filters (call after ``is_valid()``)."""
        data = self.cleaned_data
        remote = data.get("remote") or ""
        return CandidateQuery(
            skills=tuple(data.get("skills") or ()),
            match=data.get("match") or "all",
            q=data.get("q") or "",
            title_scope=data.get("title_scope") or "any",
            location=data.get("location") or "",
            work_location=data.get("work_location") or "",
            remote=remote if remote in REMOTE_MODES else "",
            min_years=data.get("min_years"),
            verified=bool(data.get("verified")),
            education=data.get("education"),
            field_of_study=data.get("field_of_study") or "",
            active_days=data.get("active_days"),
            sort=data.get("sort") or "relevance",
            page=data.get("page") or 1,
        )


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
        data = super().clean()
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
