"""The hiring board's private side and what members are told (owned by careers-search).

``ApplicationNote``: a recruiter's note and/or 1-5 rating on an application, private to the
employer's people who hold the application grant. It is personal data about the applicant:
in their export, deleted with the application's shared data on withdrawal and erasure, and
removed by the retention sweep once the application is closed for ``NOTE_RETENTION_DAYS``.

``CareerNotification``: news for a member (an application changed stage, an invitation came),
shown on their invitations page and sent by e-mail when they chose so.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.encryption import EncryptedTextField

__all__ = ["ApplicationNote", "CareerNotification"]


if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ApplicationNote(models.Model):
    """A recruiter's private note and/or rating on one application."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "careers.Application", on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = EncryptedTextField(_("note"), blank=True, default="")
    rating = models.PositiveSmallIntegerField(_("rating (1-5)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("application note")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="careers_note_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Note on {self.application_id}"


class CareerNotification(models.Model):
    """Something a member is told: an application moved, or an invitation arrived."""

    if TYPE_CHECKING:  # set on loaded rows by selectors and views, never stored
        stage_label: StrOrPromise

    class Kind(models.TextChoices):
        STAGE = "stage", _("Application update")
        INVITATION = "invitation", _("Invitation to apply")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="career_notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    job = models.ForeignKey(
        "careers.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage = models.CharField(max_length=10, blank=True, default="")
    # The employer's own words to the member (a rejection message), encrypted at rest.
    message = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("career notification")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="careers_notice_mine")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"
