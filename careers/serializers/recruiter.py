"""Recruiter API serializers: candidate cards and profiles, job input, stages, saved searches."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from careers.models import Application, Job
from careers.serializers.member import JobSerializer


class SkillChipSerializer(serializers.Serializer):
    name = serializers.CharField()
    proficiency = serializers.IntegerField()
    matched = serializers.BooleanField()


class CandidateCardSerializer(serializers.Serializer):
    """A search result: limited fields, never a name, contact or account id."""

    id = serializers.UUIDField(source="public_id")
    headline = serializers.CharField()
    city = serializers.CharField()
    years_experience = serializers.IntegerField(source="years")
    skills = SkillChipSerializer(many=True)
    verified = serializers.BooleanField()
    verified_on = serializers.DateField(allow_null=True)
    score = serializers.IntegerField()
    active_on = serializers.DateField(
        allow_null=True, help_text="Last day the member signed in or changed their profile."
    )
    shared = serializers.ListField(
        child=serializers.CharField(),
        help_text="What the member chose to tell employers (open to relocation, a salary band), "
        "in the request's language.",
    )


class CandidateProfileSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like a Field attribute: DRF moves declared fields off the class
    shared_at = serializers.DateTimeField(allow_null=True)
    verified = serializers.BooleanField()
    verified_on = serializers.DateField(allow_null=True)
    profile = serializers.DictField(source="data")


class SkillInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    required = serializers.BooleanField(default=True)  # type: ignore[assignment]  # a field named like a Field attribute: DRF moves declared fields off the class
    weight = serializers.IntegerField(min_value=1, max_value=5, default=3)


class JobInputSerializer(serializers.Serializer):
    """Fields a recruiter may set on a job; PATCH takes any subset."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    location_city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    remote_mode = serializers.ChoiceField(choices=Job.RemoteMode.choices, required=False)
    job_type = serializers.ChoiceField(choices=Job.JobType.choices, required=False)
    seniority = serializers.ChoiceField(choices=Job.Seniority.choices, required=False)
    salary_min = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    salary_max = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    currency = serializers.CharField(max_length=3, required=False)
    status = serializers.ChoiceField(choices=Job.Status.choices, required=False)
    skills = SkillInputSerializer(many=True, required=False)


class RecruiterJobSerializer(JobSerializer):
    active_applications = serializers.IntegerField(read_only=True)

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "active_applications"]


class RecruiterApplicationSerializer(serializers.ModelSerializer):
    """An application in a job's list; the shared profile is at the detail endpoint (logged)."""

    stage_label = serializers.CharField(source="get_stage_display")
    job = serializers.UUIDField(source="job_id")
    headline = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["id", "job", "stage", "stage_label", "headline", "created_at", "updated_at"]

    def get_headline(self, application: Application) -> str:
        return str(application.profile_snapshot.get("headline", ""))


class RecruiterApplicationDetailSerializer(RecruiterApplicationSerializer):
    profile = serializers.DictField(source="profile_snapshot")
    note = serializers.CharField()

    class Meta(RecruiterApplicationSerializer.Meta):
        fields = [*RecruiterApplicationSerializer.Meta.fields, "note", "profile"]


class StageInputSerializer(serializers.Serializer):
    stage = serializers.CharField(max_length=20)
    reason = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="Required to reject: skills, experience, filled, other_candidate, other.",
    )
    message = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text="Optional message to the applicant when rejecting.",
    )


class SavedSearchSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(max_length=120)
    params = serializers.DictField(read_only=True)
    description = serializers.CharField(
        read_only=True, help_text="The filters as a sentence in the request's language."
    )
    alert = serializers.BooleanField(
        read_only=True, help_text="A daily e-mail of new matching candidates is on."
    )
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        from careers.search_text import query_from_params, query_sentence

        data = super().to_representation(instance)
        data["params"] = instance.params
        query = query_from_params(instance.params)
        data["description"] = query_sentence(query) if query else ""
        return data


class CandidatePageSerializer(serializers.Serializer):
    """One page of candidate search results (schema only)."""

    count = serializers.IntegerField(
        help_text="Matching candidates you may see, exact up to 200 (see count_capped)."
    )
    count_capped = serializers.BooleanField(help_text="True: more than count match.")
    pages = serializers.IntegerField(help_text="Pages the counted results fill (at most 50).")
    sort = serializers.ChoiceField(choices=["relevance", "recent", "years"])
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    searched_skills = serializers.ListField(child=serializers.CharField())
    unknown_skills = serializers.ListField(child=serializers.CharField())
    results = CandidateCardSerializer(many=True)


class RecruiterJobListSerializer(serializers.Serializer):
    results = RecruiterJobSerializer(many=True)


class RecruiterApplicationListSerializer(serializers.Serializer):
    results = RecruiterApplicationSerializer(many=True)


class SavedSearchListSerializer(serializers.Serializer):
    results = SavedSearchSerializer(many=True)


class SavedSearchInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    params = serializers.DictField(help_text="Search filters, as for the candidates endpoint.")
