"""Consent: policy versions, purposes, an append-only ledger, its current-state projection,
and the access log of sensitive reads."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from config.encryption import EncryptedCharField
from consent.purposes import PurposeCode


class Purpose(models.Model):
    """A reason for processing personal data, with what it covers and how long data is kept."""

    code = models.CharField(max_length=40, primary_key=True, choices=PurposeCode.choices)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("plain-language description"))
    data_categories = models.JSONField(_("data categories"), default=list)
    retention = models.TextField(_("retention rule"))
    retention_days = models.PositiveIntegerField(
        _("retention in days after last interaction"), null=True, blank=True
    )
    special_category = models.BooleanField(_("special-category data"), default=False)
    explicit = models.BooleanField(_("needs explicit consent"), default=True)
    profiling = models.BooleanField(_("profiling (member may object)"), default=False)
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("purpose")

    def __str__(self) -> str:
        return self.name


class PolicyVersion(models.Model):
    """A dated version of the privacy policy; ``changed_purposes`` need fresh consent."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    effective_at = models.DateTimeField(_("effective from"))
    text = models.TextField(_("full text"))
    summary = models.TextField(_("summary of changes"))
    changed_purposes = models.ManyToManyField(Purpose, blank=True, related_name="policy_changes")

    class Meta:
        ordering = ["-effective_at"]
        verbose_name = _("policy version")

    def __str__(self) -> str:
        return self.version


class ConsentText(models.Model):
    """The exact text a member was shown, stored once and referenced by its SHA-256."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    language = models.CharField(max_length=8)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consent text")

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.language})"


class AppendOnlyQuerySet(models.QuerySet):
    """Refuse bulk updates and deletes: the ledger is append-only."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The consent ledger is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The consent ledger is append-only.")


class ConsentEvent(models.Model):
    """One grant or withdrawal. Rows are never updated or deleted.

    Erasure detaches ``user`` (SET_NULL through the deletion collector) and blanks the
    personal fields through ``consent.services``; ``subject_ref`` (a keyed hash of the
    account id) remains as pseudonymous proof that consent existed. On PostgreSQL a trigger
    (migration 0004) enforces this in the database too: no DELETE, and no UPDATE but erasure
    and key rotation.
    """

    class Action(models.TextChoices):
        GRANT = "grant", _("Granted")
        WITHDRAW = "withdraw", _("Withdrawn")

    class Method(models.TextChoices):
        WEB = "web", _("Web page")
        API = "api", _("API")
        ADMIN = "admin", _("Admin")
        SYSTEM = "system", _("System")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="consent_events",
    )
    subject_ref = models.CharField(max_length=64, db_index=True)
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="events")
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    created_at = models.DateTimeField(db_index=True)
    method = models.CharField(max_length=10, choices=Method.choices)
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=8)
    # The e-signature of a special-category consent: the member's typed full name, encrypted.
    signature = EncryptedCharField(_("typed signature"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    erased = models.BooleanField(default=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consent event")
        indexes = [models.Index(fields=["user", "purpose", "-created_at"])]

    def __str__(self) -> str:
        return _("%(action)s: %(purpose)s, %(when)s") % {
            "action": self.get_action_display(),
            "purpose": self.purpose_id,
            "when": date_format(timezone.localtime(self.created_at), "DATETIME_FORMAT"),
        }

    # Set only by consent.services.ledger_pseudonymise: the one sanctioned update of a row.
    _erasing = False

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and not self._erasing:
            raise PermissionError("The consent ledger is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The consent ledger is append-only.")


class ConsentState(models.Model):
    """The current state per member and purpose, derived from the ledger in the same transaction.

    A projection: the ledger is the truth, this makes "who has consent now" one indexed lookup,
    which other apps filter on in SQL (recruiter search).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_states"
    )
    purpose = models.ForeignKey(Purpose, on_delete=models.CASCADE, related_name="+")
    granted = models.BooleanField()
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(null=True)
    last_event = models.ForeignKey(ConsentEvent, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("consent state")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose"], name="consent_state_one_per_purpose"
            )
        ]
        indexes = [models.Index(fields=["purpose", "granted", "user"])]

    def __str__(self) -> str:
        state = _("allowed") if self.granted else _("withdrawn")
        return f"{self.user_id} {self.purpose_id}: {state}"


class AccessLogEntry(models.Model):
    """A read of someone's sensitive data: who, whose, what, why, when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_log"
    )
    accessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accesses_made",
    )
    accessor_label = models.CharField(_("who"), max_length=200)
    category = models.CharField(_("what"), max_length=60)
    purpose = models.CharField(_("why"), max_length=60)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    # A translatable detail: a key from consent.access_details plus its values, worded in the
    # reader's language when shown ("detail" keeps the text for keys this version does not know).
    detail_key = models.CharField(_("detail kind"), max_length=40, blank=True)
    detail_params = models.JSONField(_("detail values"), default=dict, blank=True)
    created_at = models.DateTimeField(_("first access"), auto_now_add=True, db_index=True)
    # Identical reads within CONSENT_ACCESS_LOG_COLLAPSE_SECONDS add to one row, not a new one.
    last_at = models.DateTimeField(_("last access"), null=True, blank=True)
    count = models.PositiveIntegerField(_("number of reads"), default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["subject", "-created_at"])]

    def __str__(self) -> str:
        return _("%(who)s read %(what)s, %(when)s") % {
            "who": self.accessor_label,
            "what": self.category,
            "when": date_format(timezone.localtime(self.created_at), "DATETIME_FORMAT"),
        }
