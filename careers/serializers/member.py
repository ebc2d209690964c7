"""API shapes for the member's career endpoints (input validation of types only; rules live in
the services)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import RegisteredEmployerSerializer
from careers.models import ActivityEvent, Application, CareerProfile, Job, JobType, RemoteMode


class EmploymentSerializer(serializers.Serializer):
    employer_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text='A registered employer (GET /api/v1/employers/). "Hide me from my current '
        'employer" then hides you from exactly that employer.',
    )
    employer_name = serializers.CharField(
        max_length=200,
        allow_blank=True,
        help_text="Taken from the registered employer when empty and employer_id is given.",
    )
    employer_domain = serializers.CharField(max_length=253, required=False, allow_blank=True)
    title = serializers.CharField(max_length=200)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True)
    is_current = serializers.BooleanField(required=False, default=False)
    description = serializers.CharField(required=False, allow_blank=True)
    location = serializers.CharField(max_length=120, required=False, allow_blank=True)


class EducationSerializer(serializers.Serializer):
    institution = serializers.CharField(max_length=200)
    degree = serializers.CharField(max_length=120, required=False, allow_blank=True)
    field = serializers.CharField(max_length=120, required=False, allow_blank=True)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)


class ProfileSkillSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="Skill name or alias (JS, js, ...).")
    proficiency = serializers.IntegerField(min_value=1, max_value=5, default=3)
    years = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=70, default=Decimal(0)
    )


class PreferencesSerializer(serializers.Serializer):
    titles = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    locations = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    remote_modes = serializers.ListField(
        child=serializers.ChoiceField(choices=RemoteMode.choices), required=False
    )
    job_types = serializers.ListField(
        child=serializers.ChoiceField(choices=JobType.choices), required=False
    )
    min_salary = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    currency = serializers.CharField(min_length=3, max_length=3, required=False, default="IDR")
    share_salary = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Show employers who may find me my salary expectation as a band.",
    )
    open_to_relocation = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Tell employers who may find me that I would relocate.",
    )


class ProfileInputSerializer(serializers.Serializer):
    """PUT body: every key optional; a list given replaces that whole list."""

    headline = serializers.CharField(max_length=200, required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    location_city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    location_country = serializers.CharField(min_length=2, max_length=2, required=False)
    visibility = serializers.ChoiceField(choices=CareerProfile.Visibility.choices, required=False)
    hide_from_current_employer = serializers.BooleanField(required=False)
    employment = EmploymentSerializer(many=True, required=False)
    education = EducationSerializer(many=True, required=False)
    skills = ProfileSkillSerializer(many=True, required=False)
    preferences = PreferencesSerializer(required=False)


class ProfileOutputSerializer(serializers.Serializer):
    """The member's own profile (``id`` is the public candidate id recruiters see)."""

    id = serializers.UUIDField()
    headline = serializers.CharField()
    summary = serializers.CharField()
    location_city = serializers.CharField()
    location_country = serializers.CharField()
    visibility = serializers.CharField()
    hide_from_current_employer = serializers.BooleanField()
    hidden_from_employers = RegisteredEmployerSerializer(
        many=True,
        help_text="Every registered employer that cannot find or open your profile because "
        "you hide from your current employer (and employers sharing its recruiters).",
    )
    years_experience = serializers.FloatField()
    employment = EmploymentSerializer(many=True)
    education = EducationSerializer(many=True)
    skills = ProfileSkillSerializer(many=True)
    preferences = PreferencesSerializer()
    updated_at = serializers.DateTimeField(allow_null=True)


class JobSkillSerializer(serializers.Serializer):
    name = serializers.CharField(source="skill.name")
    required = serializers.BooleanField()  # type: ignore[assignment]  # a field named like a Field attribute: DRF moves declared fields off the class
    weight = serializers.IntegerField()


class JobSerializer(serializers.ModelSerializer):
    employer = serializers.SerializerMethodField()
    skills = JobSkillSerializer(source="job_skills", many=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "title",
            "employer",
            "description",
            "location_city",
            "remote_mode",
            "job_type",
            "salary_min",
            "salary_max",
            "currency",
            "seniority",
            "status",
            "published_at",
            "skills",
        ]

    def get_employer(self, job: Job) -> dict[str, Any]:
        return {"id": str(job.employer_id), "name": job.employer.name}


class RecommendationSerializer(serializers.Serializer):
    job = JobSerializer()
    score = serializers.IntegerField(help_text="Out of 100.")
    strength = serializers.ChoiceField(
        choices=["strong", "good", "weak"],
        help_text="strong: 70 or more; good: 50-69; weak: below 50 (the page hides these "
        "behind “show more”).",
    )
    reasons = serializers.ListField(child=serializers.CharField())
    parts = serializers.DictField(
        child=serializers.FloatField(),
        help_text="Score parts: skills/45, title/15, place/10, salary/10, seniority/10, "
        "recency/5, engagement/5.",
    )


class ApplyInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ApplicationSerializer(serializers.ModelSerializer):
    job = serializers.SerializerMethodField()
    stage_label = serializers.CharField(source="get_stage_display")

    class Meta:
        model = Application
        fields = ["id", "job", "stage", "stage_label", "note", "created_at", "withdrawn_at"]

    def get_job(self, app: Application) -> dict[str, Any]:
        return {"id": str(app.job_id), "title": app.job.title, "employer": app.job.employer.name}


class WithdrawResultSerializer(serializers.Serializer):
    notes = serializers.ListField(child=serializers.CharField())


class ActivityEventSerializer(serializers.ModelSerializer):
    job = serializers.SerializerMethodField()

    class Meta:
        model = ActivityEvent
        fields = ["id", "kind", "job", "query", "created_at"]

    def get_job(self, event: ActivityEvent) -> dict[str, Any] | None:
        if event.job is None:
            return None
        return {"id": str(event.job_id), "title": event.job.title}


class JobMatchSerializer(serializers.Serializer):
    score = serializers.IntegerField(help_text="Out of 100.")
    strength = serializers.ChoiceField(choices=["strong", "good", "weak"])
    reasons = serializers.ListField(child=serializers.CharField())


class JobDetailSerializer(JobSerializer):
    """A job with how well it matches the member (null without job_recommendations consent)."""

    match = serializers.SerializerMethodField()

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "match"]

    @extend_schema_field(JobMatchSerializer(allow_null=True))
    def get_match(self, job: Job) -> dict[str, Any] | None:
        match = self.context.get("match")
        return JobMatchSerializer(match).data if match is not None else None


class MarkedJobSerializer(JobSerializer):
    """A job the member saved or dismissed, with when."""

    marked_at = serializers.DateTimeField()

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "marked_at"]


class SkillSuggestionSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The catalogue name to use.")
    matched = serializers.CharField(help_text="The alias that matched, or empty.")


class SkillSuggestResultSerializer(serializers.Serializer):
    query = serializers.CharField()
    suggestions = SkillSuggestionSerializer(many=True)
    did_you_mean = serializers.CharField(
        allow_null=True, help_text="Closest catalogue skill when nothing starts with the text."
    )


class MarkResultSerializer(serializers.Serializer):
    job = serializers.UUIDField()
    saved = serializers.BooleanField()
    dismissed = serializers.BooleanField()
