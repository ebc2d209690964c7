"""Job-search activity, recorded only while the member consents to job recommendations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityEvent(models.Model):
    """One thing the member did: viewed, saved, dismissed or applied to a job, or searched."""

    if TYPE_CHECKING:  # set on loaded rows by selectors and views, never stored
        query_words: list[tuple[str, str]]

    class Kind(models.TextChoices):
        VIEWED = "viewed", _("Viewed a job")
        SAVED = "saved", _("Saved a job")
        DISMISSED = "dismissed", _("Dismissed a job")
        APPLIED = "applied", _("Applied to a job")
        SEARCHED = "searched", _("Searched for jobs")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="career_activity"
    )
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    job = models.ForeignKey(
        "careers.Job", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    query = models.JSONField(_("search"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("job-search activity")
        verbose_name_plural = _("job-search activity")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="careers_activity_user_time"),
            models.Index(fields=["user", "kind", "job"], name="careers_activity_user_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.created_at:%Y-%m-%d %H:%M}"
