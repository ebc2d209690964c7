"""The member's career profile: skills catalogue, history, skills, preferences, visibility."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.employer_keys import domain_key, employer_name_key
from config.encryption import EncryptedTextField


class Skill(models.Model):
    """A skill in the catalogue ("Python", "Django"); members and jobs refer to these."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    category = models.CharField(_("category"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("skill")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SkillAlias(models.Model):
    """Another name for a skill ("js" for JavaScript), stored normalised (trimmed, lower case)."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("alias"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("skill alias")
        verbose_name_plural = _("skill aliases")
        ordering = ["alias"]

    def __str__(self) -> str:
        return f"{self.alias} → {self.skill}"


class CareerProfile(models.Model):
    """A member's career profile. ``public_id`` is the candidate id recruiters see."""

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Not open to work")
        RECRUITERS = "recruiters", _("Visible to recruiters")
        EVERYONE = "everyone", _("Visible to everyone")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="career_profile"
    )
    # A separate random id, so a candidate id never reveals the account id.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    summary = EncryptedTextField(_("summary"), blank=True, default="")
    location_city = models.CharField(_("city"), max_length=100, blank=True)
    location_country = models.CharField(_("country"), max_length=2, default="ID")
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    hide_from_current_employer = models.BooleanField(
        _("hide me from my current employer"), default=True
    )
    # Denormalised from Employment by the profile services (search filters on it).
    years_experience = models.DecimalField(
        _("years of experience"), max_digits=4, decimal_places=1, default=0
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("career profile")
        constraints = [
            models.CheckConstraint(
                condition=Q(years_experience__gte=0), name="careers_profile_years_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return _("Career profile %(id)s") % {"id": self.public_id}


class Employment(models.Model):
    """One job in the member's employment history."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    profile = models.ForeignKey(CareerProfile, on_delete=models.CASCADE, related_name="employments")
    # The registered employer the member picked (or whose name or domain they typed).
    employer = models.ForeignKey(
        "accounts.Employer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered employer"),
    )
    employer_name = models.CharField(_("employer"), max_length=200)
    employer_domain = models.CharField(_("employer website domain"), max_length=253, blank=True)
    # accounts.employer_keys forms of the two above, compared with the employers' own.
    employer_name_key = models.CharField(max_length=200, blank=True, editable=False)
    employer_domain_key = models.CharField(max_length=253, blank=True, editable=False)
    title = models.CharField(_("job title"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_current = models.BooleanField(_("I work here now"), default=False)
    description = EncryptedTextField(_("description"), blank=True, default="")
    location = models.CharField(_("location"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("employment")
        ordering = ["-is_current", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="careers_employment_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(end_date__isnull=True),
                name="careers_employment_current_has_no_end",
            ),
        ]
        indexes = [models.Index(fields=["profile", "is_current"])]

    def __str__(self) -> str:
        return _("%(title)s at %(employer)s") % {
            "title": self.title,
            "employer": self.employer_name,
        }

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived on every save (services, the admin, fixtures), so "hide me from my current
        # employer" never depends on how the employer was typed.
        self.employer_name_key = employer_name_key(self.employer_name)
        self.employer_domain_key = domain_key(self.employer_domain)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "employer_name_key", "employer_domain_key"}
        super().save(*args, **kwargs)


class Education(models.Model):
    """One entry in the member's education history."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    profile = models.ForeignKey(CareerProfile, on_delete=models.CASCADE, related_name="educations")
    institution = models.CharField(_("institution"), max_length=200)
    degree = models.CharField(_("degree"), max_length=120, blank=True)
    field = models.CharField(_("field of study"), max_length=120, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("education")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="careers_education_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return (
            _("%(degree)s at %(institution)s")
            % {"degree": f"{self.degree} {self.field}".strip(), "institution": self.institution}
        ).strip()


class ProfileSkill(models.Model):
    """A skill the member has, with self-rated proficiency (1-5) and years of use."""

    profile = models.ForeignKey(CareerProfile, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="profile_skills")
    proficiency = models.PositiveSmallIntegerField(_("proficiency (1-5)"), default=3)
    years = models.DecimalField(_("years"), max_digits=4, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("profile skill")
        ordering = ["-proficiency", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "skill"], name="careers_profile_skill_once"),
            models.CheckConstraint(
                condition=Q(proficiency__gte=1) & Q(proficiency__lte=5),
                name="careers_profile_skill_proficiency_1_5",
            ),
            models.CheckConstraint(
                condition=Q(years__gte=0) & Q(years__lte=70),
                name="careers_profile_skill_years_range",
            ),
        ]
        # Candidate search looks profiles up by skill.
        indexes = [models.Index(fields=["skill", "profile"])]

    def __str__(self) -> str:
        return f"{self.skill} ({self.proficiency}/5)"


class RemoteMode(models.TextChoices):
    ONSITE = "onsite", _("On-site")
    HYBRID = "hybrid", _("Hybrid")
    REMOTE = "remote", _("Remote")


class JobType(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")
    CONTRACT = "contract", _("Contract")
    INTERNSHIP = "internship", _("Internship")


class JobPreference(models.Model):
    """What the member is looking for; lists hold choice values (see RemoteMode, JobType)."""

    profile = models.OneToOneField(
        CareerProfile, on_delete=models.CASCADE, related_name="preference"
    )
    titles = models.JSONField(_("job titles"), default=list, blank=True)
    locations = models.JSONField(_("locations"), default=list, blank=True)
    remote_modes = models.JSONField(_("work modes"), default=list, blank=True)
    job_types = models.JSONField(_("job types"), default=list, blank=True)
    min_salary = models.PositiveBigIntegerField(_("minimum monthly salary"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="IDR")
    # Told to employers who may find the member (candidate search shows and filters on them);
    # both off until the member turns them on.
    open_to_relocation = models.BooleanField(_("open to relocation"), default=False)
    share_salary = models.BooleanField(
        _("show employers my salary expectation as a band"), default=False
    )

    class Meta:
        verbose_name = _("job preference")

    def __str__(self) -> str:
        return _("Job preferences of %(id)s") % {"id": self.profile_id}
