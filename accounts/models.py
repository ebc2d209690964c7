"""Accounts: the user (signs in by e-mail), premium membership, employer organisations."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.employer_keys import domain_key, employer_name_key


class UserManager(BaseUserManager["User"]):
    """Create users with a normalised, case-insensitively unique e-mail."""

    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=(username or "").strip())

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


def normalise_email(email: str) -> str:
    """Return the e-mail trimmed and lower-cased (unique case-insensitively)."""
    return email.strip().lower()


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. UUID key: people's ids are never sequential or guessable."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Stored lower-cased (normalise_email), so plain uniqueness is case-insensitive uniqueness;
    # the Lower() constraint guards rows written around the manager.
    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    display_name = models.CharField(_("display name"), max_length=120)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    preferred_language = models.CharField(_("language"), max_length=8, default="en")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalise_email(self.email)

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


class PremiumMembership(models.Model):
    """A member's premium tier, valid from ``starts_at`` until ``expires_at``."""

    class Tier(models.TextChoices):
        PREMIUM = "premium", _("Premium")

    class Source(models.TextChoices):
        STAFF = "staff", _("Granted by staff")
        DEMO = "demo", _("Demo activation")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="premium")
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.PREMIUM)
    starts_at = models.DateTimeField(_("starts"))
    expires_at = models.DateTimeField(_("expires"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("premium membership")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("starts_at")),
                name="accounts_premium_expires_after_start",
            ),
        ]

    def __str__(self) -> str:
        return _("%(tier)s until %(date)s") % {
            "tier": self.get_tier_display(),
            "date": date_format(timezone.localtime(self.expires_at)),
        }

    def is_active_at(self, when: Any) -> bool:
        return self.starts_at <= when < self.expires_at


class Employer(models.Model):
    """An employer organisation whose recruiters use the recruiter portal and API."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(
        _("website domain"), max_length=253, help_text=_("For example: example.co.id")
    )
    # employer_name_key(name): what members' typed employer names are compared with.
    name_key = models.CharField(max_length=200, db_index=True, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("employer")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("domain"), name="accounts_employer_domain_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The comparable forms are derived here, so every way of saving (services, the admin)
        # keeps them true; see accounts.employer_keys.
        self.name_key = employer_name_key(self.name)
        self.domain = domain_key(self.domain) or (self.domain or "").strip().lower()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "domain"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_key", "domain"}
        super().save(*args, **kwargs)


class EmployerMembership(models.Model):
    """A user's role in an employer: owner (manages recruiters) or recruiter."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        RECRUITER = "recruiter", _("Recruiter")

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="employer_memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("employer membership")
        constraints = [
            models.UniqueConstraint(fields=["employer", "user"], name="accounts_one_role_each"),
        ]

    def __str__(self) -> str:
        return _("%(user)s (%(role)s) at %(employer)s") % {
            "user": self.user,
            "role": self.get_role_display(),
            "employer": self.employer,
        }


class EmployerInvitation(models.Model):
    """An owner's invitation for someone to join an employer as a recruiter."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        max_length=10, choices=EmployerMembership.Role.choices, default="recruiter"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("employer invitation")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.employer}"


class ApiToken(models.Model):
    """An API token of one sign-in. Only the SHA-256 of the key is stored (shown once).

    It works while the account is active, its password is the one it was issued under
    (``password_stamp``), and it has not expired: ``expires_at`` slides forward on use
    (``API_TOKEN_IDLE_DAYS``) but never past ``max_expires_at`` (``API_TOKEN_MAX_AGE_DAYS``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    # The key's first characters, so the member recognises a token in the list.
    prefix = models.CharField(_("key starts with"), max_length=8)
    name = models.CharField(_("name"), max_length=100, blank=True)
    # Keyed hash of the password hash at issue: any password change retires the token.
    password_stamp = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    max_expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__lte=models.F("max_expires_at")),
                name="accounts_api_token_expiry_within_cap",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or self.user_id})"


class UserSession(AbstractBaseSession):
    """A browser session that knows whose it is, so an erasure can delete it (accounts.sessions).

    No database constraint on ``user``: a session may be saved a moment after its account was
    deleted; Django's collector still deletes a user's sessions with the user.
    """

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, db_constraint=False,
        related_name="+",
    )  # fmt: skip

    class Meta:  # the abstract parent's Meta only names the model, as this one does
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls) -> type:
        from accounts.sessions import SessionStore

        return SessionStore
