"""HTML forms for the member's career pages; they parse input and hand it to the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from careers.models import CareerProfile, Job, JobType, RemoteMode


class DateInput(forms.DateInput):
    input_type = "date"


class ServiceForm(forms.Form):
    """A form whose data a service validates too: copies the service's errors onto its fields."""

    def add_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        else:
            self.add_error(None, exc.messages)


class ProfileForm(ServiceForm):
    headline = forms.CharField(
        label=_("Headline"),
        max_length=200,
        required=False,
        help_text=_("For example: Backend developer, Python and Django"),
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)
    location_city = forms.CharField(label=_("City"), max_length=100, required=False)
    location_country = forms.CharField(
        label=_("Country code"),
        max_length=2,
        min_length=2,
        initial="ID",
        help_text=_("Two letters, e.g. ID for Indonesia."),
    )
    visibility = forms.ChoiceField(label=_("Who can find me"), choices=CareerProfile.Visibility)
    hide_from_current_employer = forms.BooleanField(
        label=_("Hide me from my current employer"),
        required=False,
        help_text=_(
            "The employer of your current job: the registered employer you picked, or the one "
            "its name or website matches. The page says below whom you are hidden from."
        ),
    )


class EmploymentForm(ServiceForm):
    employer = forms.ChoiceField(
        label=_("Registered employer"),
        required=False,
        help_text=_(
            "Pick your employer if it is registered here: “hide me from my current employer” "
            "then hides you from exactly that employer."
        ),
    )
    employer_name = forms.CharField(
        label=_("Employer"),
        max_length=200,
        required=False,
        help_text=_("As you would write it; taken from the registered employer if left empty."),
    )
    employer_domain = forms.CharField(
        label=_("Employer website"),
        max_length=253,
        required=False,
        help_text=_("Optional, e.g. acme.co.id; helps hide you from your current employer."),
    )
    title = forms.CharField(label=_("Job title"), max_length=200)
    location = forms.CharField(label=_("Location"), max_length=120, required=False)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput)
    is_current = forms.BooleanField(label=_("I work here now"), required=False)
    end_date = forms.DateField(
        label=_("End date"),
        widget=DateInput,
        required=False,
        help_text=_("Leave empty if you work here now."),
    )
    description = forms.CharField(label=_("What you did"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from accounts.selectors import employers_search

        initial = kwargs.get("initial") or {}
        if getattr(initial.get("employer"), "pk", None):  # editing: the linked employer
            kwargs["initial"] = {**initial, "employer": str(initial["employer"].pk)}
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["employer"]).choices = [
            ("", _("Not in the list")),
            *((str(e.pk), f"{e.name} ({e.domain})") for e in employers_search()[:500]),
        ]

    def add_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict") and "employer_id" in exc.error_dict:
            exc = ValidationError(
                {("employer" if k == "employer_id" else k): v for k, v in exc.error_dict.items()}
            )
        super().add_service_errors(exc)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # The service takes the registered employer as ``employer_id``.
        data["employer_id"] = data.pop("employer", None) or None
        if not data.get("is_current") and not data.get("end_date") and data.get("start_date"):
            self.add_error(
                "end_date", _("Give an end date, or tick “I work here now” if you still do.")
            )
        return data


class EducationForm(ServiceForm):
    institution = forms.CharField(label=_("School or university"), max_length=200)
    degree = forms.CharField(label=_("Degree"), max_length=120, required=False)
    field = forms.CharField(label=_("Field of study"), max_length=120, required=False)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput, required=False)
    end_date = forms.DateField(label=_("End date (or expected)"), widget=DateInput, required=False)


class SkillForm(ServiceForm):
    name = forms.CharField(
        label=_("Skill"),
        max_length=100,
        help_text=_("Type a skill or a common short name, e.g. JS for JavaScript."),
        widget=forms.TextInput(attrs={"list": "skill-catalogue", "autocomplete": "off"}),
    )
    proficiency = forms.TypedChoiceField(
        label=_("Proficiency"),
        coerce=int,
        initial=3,
        choices=[
            (1, _("1 - beginner")),
            (2, _("2")),
            (3, _("3 - competent")),
            (4, _("4")),
            (5, _("5 - expert")),
        ],
    )
    years = forms.DecimalField(
        label=_("Years"), min_value=0, max_value=70, decimal_places=1, initial=0
    )


class SkillLevelForm(forms.Form):
    """Change the level and years of a skill already on the profile."""

    proficiency = SkillForm.base_fields["proficiency"]
    years = SkillForm.base_fields["years"]


class PreferenceForm(ServiceForm):
    titles = forms.CharField(
        label=_("Job titles I want"),
        required=False,
        help_text=_("Separate with commas, e.g. Backend Developer, Data Engineer"),
    )
    locations = forms.CharField(
        label=_("Where I want to work"), required=False, help_text=_("Cities, with commas.")
    )
    remote_modes = forms.MultipleChoiceField(
        label=_("Work modes"),
        choices=RemoteMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    job_types = forms.MultipleChoiceField(
        label=_("Job types"),
        choices=JobType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    min_salary = forms.IntegerField(label=_("Minimum monthly salary"), min_value=0, required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3, initial="IDR")
    share_salary = forms.BooleanField(
        label=_("Show employers who can find me my salary expectation, as a band"),
        required=False,
        help_text=_("Only the band (for example IDR 10-20 million a month), never the amount."),
    )
    open_to_relocation = forms.BooleanField(
        label=_("I am open to relocating for a job"),
        required=False,
        help_text=_("Employers who can find me see this and can search for it."),
    )


class JobSearchForm(forms.Form):
    q = forms.CharField(label=_("Keywords"), required=False, max_length=100)
    location = forms.CharField(label=_("City"), required=False, max_length=100)
    skills = forms.CharField(
        label=_("Skills"), required=False, max_length=300, help_text=_("With commas.")
    )
    remote_mode = forms.ChoiceField(
        label=_("Work mode"), required=False, choices=[("", _("Any")), *RemoteMode.choices]
    )
    job_type = forms.ChoiceField(
        label=_("Job type"), required=False, choices=[("", _("Any")), *JobType.choices]
    )
    seniority = forms.ChoiceField(
        label=_("Seniority"), required=False, choices=[("", _("Any")), *Job.Seniority.choices]
    )
    min_salary = forms.IntegerField(label=_("Minimum salary"), required=False, min_value=0)

    def filters(self) -> dict[str, Any]:
        """Return the cleaned filters as ``job_search`` keyword arguments."""
        data = self.cleaned_data if self.is_valid() else {}
        skills = [s.strip() for s in (data.get("skills") or "").split(",") if s.strip()]
        return {
            "q": data.get("q") or "",
            "location": data.get("location") or "",
            "remote_mode": data.get("remote_mode") or "",
            "job_type": data.get("job_type") or "",
            "seniority": data.get("seniority") or "",
            "skills": skills,
            "min_salary": data.get("min_salary"),
        }


class JobSearchApiForm(JobSearchForm):
    """The job search's query parameters in the API: the page's filters plus an employer."""

    employer = forms.UUIDField(required=False)

    def filters(self) -> dict[str, Any]:
        employer = self.cleaned_data.get("employer") if self.is_valid() else None
        # As text: the filters are also recorded, as JSON, in the member's search activity.
        return {**super().filters(), "employer_id": str(employer) if employer else None}


class ApplyForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the employer (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea,
    )


class OutreachPreferenceForm(forms.Form):
    """Whether employers who may find the member can invite them, and by e-mail too."""

    invitations = forms.BooleanField(
        label=_("Employers who may find me can invite me to apply"), required=False
    )
    email = forms.BooleanField(
        label=_("Also send invitations and news about my applications by e-mail"),
        required=False,
    )
