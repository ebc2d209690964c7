"""Applications: the member's profile snapshot shared with one employer, and its stages."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from config.encryption import EncryptedTextField


class Application(models.Model):
    """A member's application to a job, with the profile as it was when they applied.

    Recruiters of the employer see it through a django-guardian object permission
    (``careers.view_application``), granted on apply and revoked on withdrawal.
    """

    class Stage(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        REVIEWING = "reviewing", _("Reviewing")
        INTERVIEW = "interview", _("Interview")
        OFFER = "offer", _("Offer")
        HIRED = "hired", _("Hired")
        REJECTED = "rejected", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.ForeignKey("careers.Job", on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_applications"
    )
    note = EncryptedTextField(_("note to the employer"), blank=True, default="")
    stage = models.CharField(
        _("stage"), max_length=10, choices=Stage.choices, default=Stage.SUBMITTED
    )
    # JSON of the profile at apply time, encrypted at rest; "" once withdrawn or erased.
    profile_snapshot_json = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "applicant"],
                condition=~Q(stage="withdrawn"),
                name="careers_one_active_application",
            ),
        ]
        indexes = [
            models.Index(fields=["job", "stage"], name="careers_application_job_stage"),
            models.Index(fields=["applicant", "-created_at"], name="careers_application_mine"),
        ]

    def __str__(self) -> str:
        return f"Application {self.pk}"

    @property
    def profile_snapshot(self) -> dict[str, Any]:
        return json.loads(self.profile_snapshot_json) if self.profile_snapshot_json else {}

    @profile_snapshot.setter
    def profile_snapshot(self, value: dict[str, Any]) -> None:
        self.profile_snapshot_json = json.dumps(value, default=str) if value else ""


class ApplicationUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian grants on applications (a hot table: no generic object_pk join)."""

    content_object = models.ForeignKey(Application, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("application access grant")


class ApplicationStageChange(models.Model):
    """Audit row: who moved an application from one stage to another, and when."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=10, choices=Application.Stage.choices)
    to_stage = models.CharField(max_length=10, choices=Application.Stage.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why an applicant was not selected (employer-side only; the member reads the message).
    reason = models.CharField(_("reason"), max_length=20, blank=True, default="")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("application stage change")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"
