"""Staff administration of the skill catalogue, jobs, and (read-only) career data.

Career data belongs to members: staff may look (support) but not edit it here; changes go
through the member's own pages so validation and the search index stay right. Application
snapshots are not shown at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from careers.models import (
    ActivityEvent,
    Application,
    ApplicationStageChange,
    CareerProfile,
    Education,
    Employment,
    Job,
    JobSkill,
    ProfileSkill,
    Skill,
    SkillAlias,
)


class ReadOnlyMixin:
    """Staff may look, not change (career data changes through the member's services)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SkillAliasInline(admin.TabularInline):
    model = SkillAlias
    extra = 1


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "slug")
    list_filter = ("category",)
    search_fields = ("name", "slug", "aliases__alias")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SkillAliasInline]


class EmploymentInline(ReadOnlyMixin, admin.TabularInline):
    model = Employment
    extra = 0
    fields = ("title", "employer_name", "start_date", "end_date", "is_current")
    readonly_fields = fields


class EducationInline(ReadOnlyMixin, admin.TabularInline):
    model = Education
    extra = 0
    fields = ("institution", "degree", "field", "start_date", "end_date")
    readonly_fields = fields


class ProfileSkillInline(ReadOnlyMixin, admin.TabularInline):
    model = ProfileSkill
    extra = 0
    fields = ("skill", "proficiency", "years")
    readonly_fields = fields


@admin.register(CareerProfile)
class CareerProfileAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("public_id", "user", "headline", "visibility", "years_experience", "updated_at")
    list_filter = ("visibility", "location_country")
    search_fields = ("user__email", "public_id", "headline")
    list_select_related = ("user",)
    fields = (
        "public_id",
        "user",
        "headline",
        "location_city",
        "location_country",
        "visibility",
        "hide_from_current_employer",
        "years_experience",
        "updated_at",
    )
    readonly_fields = fields
    inlines = [EmploymentInline, EducationInline, ProfileSkillInline]


class JobSkillInline(admin.TabularInline):
    model = JobSkill
    extra = 1
    autocomplete_fields = ("skill",)
    fields = ("skill", "required", "weight")


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("title", "employer", "status", "seniority", "remote_mode", "published_at")
    list_filter = ("status", "seniority", "remote_mode", "job_type")
    search_fields = ("title", "employer__name")
    list_select_related = ("employer",)
    autocomplete_fields = ("employer",)
    readonly_fields = ("created_by", "created_at", "updated_at", "published_at")
    inlines = [JobSkillInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Keep the denormalised flag the recommendation query reads in step with the status.
        job = form.instance
        JobSkill.objects.filter(job=job).update(
            job_open=job.status == Job.Status.OPEN, job_published_at=job.published_at
        )


class StageChangeInline(ReadOnlyMixin, admin.TabularInline):
    model = ApplicationStageChange
    extra = 0
    fields = ("at", "from_stage", "to_stage", "by")
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "job", "stage", "created_at", "withdrawn_at")
    list_filter = ("stage",)
    search_fields = ("id", "job__title", "job__employer__name")
    list_select_related = ("job",)
    fields = ("id", "job", "applicant", "stage", "created_at", "updated_at", "withdrawn_at")
    readonly_fields = fields
    inlines = [StageChangeInline]


@admin.register(ActivityEvent)
class ActivityEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "user", "job")
    list_filter = ("kind",)
    search_fields = ("user__email",)
    list_select_related = ("user", "job")
    date_hierarchy = "created_at"
    readonly_fields = ("user", "kind", "job", "query", "created_at")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)
