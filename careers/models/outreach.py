"""Recruiter outreach: talent pools, candidates saved to a job's pipeline or a pool, invitations
to apply, and each member's choice about invitations (owned by careers-search).

A saved candidate or an invitation is personal data about the member held for an employer: it
goes with the member's discovery consent (withdrawal deletes it), with the profile (erasure),
and it is in the member's export. The employer learns nothing more from it: saved entries show
only while the member is still discoverable, and an invitation's answer is the member's own
(a decline is never shown to the employer; an application is).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["JobInvitation", "OutreachPreference", "SourcedCandidate", "TalentPool"]


class TalentPool(models.Model):
    """A named list of candidates an employer keeps for later, shared by its recruiters."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    employer = models.ForeignKey(
        "accounts.Employer", on_delete=models.CASCADE, related_name="talent_pools"
    )
    name = models.CharField(_("name"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("talent pool")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "name"], name="careers_pool_name_once"),
        ]

    def __str__(self) -> str:
        return self.name


class SourcedCandidate(models.Model):
    """A candidate an employer saved to one job's pipeline ("sourced") or to a talent pool."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    employer = models.ForeignKey("accounts.Employer", on_delete=models.CASCADE, related_name="+")
    profile = models.ForeignKey(
        "careers.CareerProfile", on_delete=models.CASCADE, related_name="sourced_by"
    )
    job = models.ForeignKey(
        "careers.Job", null=True, blank=True, on_delete=models.CASCADE, related_name="sourced"
    )
    pool = models.ForeignKey(
        TalentPool, null=True, blank=True, on_delete=models.CASCADE, related_name="entries"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sourced candidate")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(job__isnull=False) & Q(pool__isnull=True))
                | (Q(job__isnull=True) & Q(pool__isnull=False)),
                name="careers_sourced_job_or_pool",
            ),
            models.UniqueConstraint(
                fields=["job", "profile"],
                condition=Q(job__isnull=False),
                name="careers_sourced_once_per_job",
            ),
            models.UniqueConstraint(
                fields=["pool", "profile"],
                condition=Q(pool__isnull=False),
                name="careers_sourced_once_per_pool",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} → {self.job_id or self.pool_id}"


class JobInvitation(models.Model):
    """An employer's invitation to a member to apply to one job."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for your answer")
        DECLINED = "declined", _("Declined")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.ForeignKey("careers.Job", on_delete=models.CASCADE, related_name="invitations")
    profile = models.ForeignKey(
        "careers.CareerProfile", on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(_("message"), blank=True, default="", max_length=1000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation to apply")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "profile"], name="careers_invite_once"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id} → {self.profile_id}"


class OutreachPreference(models.Model):
    """Whether a member takes invitations to apply, and wants them (and news) by e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="outreach_preference",
    )
    invitations = models.BooleanField(_("Employers may invite me to apply"), default=True)
    email = models.BooleanField(_("Also tell me by e-mail"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outreach preference")

    def __str__(self) -> str:
        return f"Outreach preference {self.user_id}"
