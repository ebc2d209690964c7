"""Write access to accounts: sign-up, premium, employers and invitations, API tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.employer_keys import domain_key
from accounts.lockout import password_confirm  # noqa: F401 (re-exported for other apps)
from accounts.models import (
    ApiToken,
    Employer,
    EmployerInvitation,
    EmployerMembership,
    PremiumMembership,
    User,
    UserSession,
    normalise_email,
)
from accounts.signals import employer_membership_changed
from config.errors import ApplicationError, PermissionRefused

INVITATION_DAYS = 14
LAST_SEEN_RESOLUTION = timedelta(hours=1)
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def user_create(*, email: str, password: str, display_name: str, language: str = "en") -> User:
    """Create a member account; raise ValidationError on a taken e-mail or weak password."""
    email = normalise_email(email)
    display_name = display_name.strip()
    if not display_name:
        raise ValidationError({"display_name": [_("Please enter a display name.")]})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [_("An account with this e-mail address already exists.")]})
    candidate = User(email=email, display_name=display_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    try:
        with transaction.atomic():
            return User.objects.create_user(
                email=email,
                password=password,
                display_name=display_name,
                preferred_language=language,
            )
    except IntegrityError as exc:  # a concurrent sign-up with the same e-mail
        raise ValidationError(
            {"email": [_("An account with this e-mail address already exists.")]}
        ) from exc


def user_touch(*, user: User) -> None:
    """Record the member's last interaction (hourly resolution); retention rules count from it."""
    now = timezone.now()
    if user.last_seen_at and now - user.last_seen_at < LAST_SEEN_RESOLUTION:
        return
    User.objects.filter(pk=user.pk).update(last_seen_at=now)
    user.last_seen_at = now


# --- Premium ------------------------------------------------------------------------------------


@transaction.atomic
def premium_grant(
    *, user: User, days: int, source: str, granted_by: User | None = None
) -> PremiumMembership:
    """Grant premium for ``days`` from now; extends a current membership, never shrinks it."""
    if days < 1:
        raise ValidationError(_("Premium must last at least one day."))
    now = timezone.now()
    membership = PremiumMembership.objects.select_for_update().filter(user=user).first()
    if membership is None:
        return PremiumMembership.objects.create(
            user=user,
            starts_at=now,
            expires_at=now + timedelta(days=days),
            source=source,
            granted_by=granted_by,
        )
    if not membership.is_active_at(now):
        membership.starts_at = now
    membership.expires_at = max(membership.expires_at, now) + timedelta(days=days)
    membership.source = source
    membership.granted_by = granted_by
    membership.save(update_fields=["starts_at", "expires_at", "source", "granted_by", "updated_at"])
    return membership


def premium_activate_demo(*, user: User) -> PremiumMembership:
    """Activate a 30-day demo premium; only where no payment provider exists (local settings)."""
    if not settings.DEMO_PREMIUM_ENABLED:
        raise PermissionRefused(
            _("Premium is granted by our staff on this site."), code="demo_premium_disabled"
        )
    return premium_grant(user=user, days=30, source=PremiumMembership.Source.DEMO)


# --- Employers ----------------------------------------------------------------------------------


@transaction.atomic
def employer_create(*, name: str, domain: str, owner: User) -> Employer:
    """Create an employer with its first owner (domain normalised by accounts.employer_keys)."""
    domain = domain_key(domain)
    if not domain:
        raise ValidationError({"domain": [_("Enter a domain such as example.co.id.")]})
    if Employer.objects.filter(domain__iexact=domain).exists():
        raise ValidationError({"domain": [_("An employer with this domain already exists.")]})
    employer = Employer.objects.create(name=name.strip(), domain=domain)
    EmployerMembership.objects.create(
        employer=employer, user=owner, role=EmployerMembership.Role.OWNER
    )
    return employer


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def employer_invite(
    *,
    employer: Employer,
    inviter: User,
    email: str,
    role: str = "recruiter",
    site_url: str | None = None,
) -> EmployerInvitation:
    """Invite someone by e-mail to join an employer; only an owner may invite.

    The e-mail carries a random token; only its hash is stored. ``site_url``: the scheme and
    host of the request that asked (the link then works on the host in use), else SITE_URL.
    """
    if not EmployerMembership.objects.filter(
        employer=employer, user=inviter, role=EmployerMembership.Role.OWNER
    ).exists():
        raise PermissionRefused(_("Only an owner of this employer can invite recruiters."))
    if role not in EmployerMembership.Role.values:
        raise ValidationError({"role": [_("Choose owner or recruiter.")]})
    email = normalise_email(email)
    if EmployerMembership.objects.filter(employer=employer, user__email__iexact=email).exists():
        raise ValidationError({"email": [_("This person already belongs to this employer.")]})
    # A new invitation to the same address replaces the pending one (one link that works).
    EmployerInvitation.objects.filter(
        employer=employer, email=email, accepted_at__isnull=True
    ).delete()
    token = secrets.token_urlsafe(32)
    invitation = EmployerInvitation.objects.create(
        employer=employer,
        email=email,
        role=role,
        token_hash=_token_hash(token),
        invited_by=inviter,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    base = (site_url or settings.SITE_URL).rstrip("/")
    link = base + reverse("accounts:invitation-accept", args=[token])
    transaction.on_commit(
        lambda: send_mail(
            subject=_("You are invited to recruit for %(employer)s") % {"employer": employer.name},
            message=_(
                "%(inviter)s invited you to join %(employer)s as %(role)s.\n\n"
                "Accept within %(days)d days: %(link)s"
            )
            % {
                "inviter": inviter.display_name,
                "employer": employer.name,
                "role": role,
                "days": INVITATION_DAYS,
                "link": link,
            },
            from_email=None,
            recipient_list=[email],
        )
    )
    return invitation


def invitation_find(*, token: str) -> EmployerInvitation | None:
    """Return the open invitation for a token, or None if unknown, used or expired."""
    return (
        EmployerInvitation.objects.select_related("employer")
        .filter(token_hash=_token_hash(token), accepted_at__isnull=True)
        .filter(expires_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> EmployerMembership:
    """Accept an invitation as the signed-in user, whose e-mail must be the one invited."""
    invitation = invitation_find(token=token)
    if invitation is None:
        raise ApplicationError(
            _("This invitation is invalid, already used or expired."), code="invitation_invalid"
        )
    if normalise_email(user.email) != invitation.email:
        raise PermissionRefused(
            _("This invitation was sent to another e-mail address. Sign in with that address.")
        )
    membership, _created = EmployerMembership.objects.get_or_create(
        employer=invitation.employer, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    _announce_membership_change(invitation.employer_id)
    return membership


@transaction.atomic
def employer_member_remove(*, employer: Employer, actor: User, user: User) -> None:
    """Remove a member from an employer; owners only, and never the last owner."""
    owners = EmployerMembership.objects.filter(
        employer=employer, role=EmployerMembership.Role.OWNER
    )
    if not owners.filter(user=actor).exists():
        raise PermissionRefused(_("Only an owner of this employer can remove members."))
    membership = EmployerMembership.objects.filter(employer=employer, user=user).first()
    if membership is None:
        return
    if membership.role == EmployerMembership.Role.OWNER and owners.count() == 1:
        raise ApplicationError(_("An employer needs at least one owner."), code="last_owner")
    membership.delete()
    _announce_membership_change(employer.pk)


def _require_owner(employer: Employer, actor: User) -> None:
    if not EmployerMembership.objects.filter(
        employer=employer, user=actor, role=EmployerMembership.Role.OWNER
    ).exists():
        raise PermissionRefused(_("Only an owner of this employer can manage its team."))


@transaction.atomic
def employer_member_set_role(
    *, employer: Employer, actor: User, user_id: uuid.UUID, role: str
) -> EmployerMembership:
    """Make a member owner or recruiter; owners only, and never leave the employer ownerless."""
    _require_owner(employer, actor)
    if role not in EmployerMembership.Role.values:
        raise ValidationError({"role": [_("Choose owner or recruiter.")]})
    membership = (
        EmployerMembership.objects.select_for_update()
        .filter(employer=employer, user_id=user_id)
        .first()
    )
    if membership is None:
        raise Http404
    owners = EmployerMembership.objects.filter(
        employer=employer, role=EmployerMembership.Role.OWNER
    )
    if (
        membership.role == EmployerMembership.Role.OWNER
        and role != EmployerMembership.Role.OWNER
        and owners.count() == 1
    ):
        raise ApplicationError(_("An employer needs at least one owner."), code="last_owner")
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def employer_invitation_resend(
    *, employer: Employer, actor: User, invitation_id: object, site_url: str | None = None
) -> EmployerInvitation:
    """Send a pending invitation again with a fresh link (the old link stops working)."""
    _require_owner(employer, actor)
    invitation = EmployerInvitation.objects.filter(
        employer=employer, pk=_uuid_or_404(invitation_id), accepted_at__isnull=True
    ).first()
    if invitation is None:
        raise Http404
    return employer_invite(
        employer=employer,
        inviter=actor,
        email=invitation.email,
        role=invitation.role,
        site_url=site_url,
    )


@transaction.atomic
def employer_invitation_revoke(*, employer: Employer, actor: User, invitation_id: object) -> None:
    """Withdraw a pending invitation: its link stops working at once."""
    _require_owner(employer, actor)
    deleted, _rows = EmployerInvitation.objects.filter(
        employer=employer, pk=_uuid_or_404(invitation_id), accepted_at__isnull=True
    ).delete()
    if not deleted:
        raise Http404


def _uuid_or_404(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as exc:
        raise Http404 from exc


def _announce_membership_change(employer_id: object) -> None:
    transaction.on_commit(
        lambda: employer_membership_changed.send(sender=Employer, employer_id=employer_id)
    )


# --- API tokens (docs/SECURITY.md: token lifecycle) --------------------------------------------


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def password_stamp(user: User, *, secret: str | None = None) -> str:
    """Return a keyed hash of the user's password hash: it changes whenever the password does.

    Like Django's session auth hash, under its own salt; ``secret`` checks old SECRET_KEYs.
    """
    return salted_hmac(
        "accounts.ApiToken.password_stamp", user.password, secret=secret, algorithm="sha256"
    ).hexdigest()


def password_stamp_matches(user: User, stamp: str) -> bool:
    """Whether ``stamp`` was made from the user's current password (any configured secret)."""
    secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        hmac.compare_digest(stamp, password_stamp(user, secret=secret)) for secret in secrets_
    )


@transaction.atomic
def api_token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Issue a new token for one sign-in; return it and its key (never stored, shown once)."""
    key = secrets.token_hex(20)
    now = timezone.now()
    cap = now + timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS)
    ApiToken.objects.filter(user_id=user.pk, expires_at__lte=now).delete()  # the user's dead ones
    token = ApiToken.objects.create(
        user=user,
        key_hash=_key_hash(key),
        prefix=key[:6],
        name=" ".join(name.split())[:100],
        password_stamp=password_stamp(user),
        created_at=now,
        last_used_at=now,  # signing in is the first use
        expires_at=min(now + timedelta(days=settings.API_TOKEN_IDLE_DAYS), cap),
        max_expires_at=cap,
    )
    return token, key


def api_token_use(*, key: str) -> ApiToken | None:
    """Return the live token for ``key`` and slide its expiry, or None.

    None for an unknown key, an expired token, an inactive account, or a password changed since
    the token was issued (then the token row goes too). Writes at most once a minute per token.
    """
    if not key or len(key) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_key_hash(key)).first()
    if token is None:
        return None
    now = timezone.now()
    if not password_stamp_matches(token.user, token.password_stamp):
        token.delete()
        return None
    if not token.user.is_active or token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USE_RESOLUTION:
        token.last_used_at = now
        token.expires_at = min(
            now + timedelta(days=settings.API_TOKEN_IDLE_DAYS), token.max_expires_at
        )
        ApiToken.objects.filter(pk=token.pk).update(
            last_used_at=token.last_used_at, expires_at=token.expires_at
        )
    return token


def api_token_revoke(*, user: User, token_id: uuid.UUID | str) -> None:
    """Revoke one of the user's own tokens; the same 404 for a missing one and anyone else's."""
    try:
        deleted, _rows = ApiToken.objects.filter(user_id=user.pk, pk=token_id).delete()
    except (ValueError, ValidationError):
        deleted = 0
    if not deleted:
        raise Http404


def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every API token of the user (sign out every API client); return how many."""
    deleted, _rows = ApiToken.objects.filter(user_id=user.pk).delete()
    return deleted


def user_password_changed(*, user: User, keep_session_key: str | None = None) -> None:
    """After a password change or reset: revoke every token and sign out other browsers.

    Tokens issued before the change already stop working (``password_stamp``); this removes
    them from the member's list and the database, and ends the member's other sessions.
    """
    api_tokens_revoke_all(user=user)
    UserSession.objects.filter(user_id=user.pk).exclude(session_key=keep_session_key).delete()


def api_tokens_purge(*, now: datetime | None = None) -> int:
    """Delete tokens that can no longer work: expired, or of an inactive account (retention)."""
    now = now or timezone.now()
    deleted, _rows = ApiToken.objects.filter(
        Q(expires_at__lte=now) | Q(user__is_active=False)
    ).delete()
    return deleted


# --- Erasure ------------------------------------------------------------------------------------

ErasureStep = Callable[..., None]
_erasure_steps: list[ErasureStep] = []


def account_erasure_step(fn: ErasureStep) -> ErasureStep:
    """Register ``fn(*, user, method)`` to run in every account erasure, before the row goes.

    Consent registers its part (``consent.services.consent_erase``: withdraw every purpose, run
    every app's withdrawal and erasure handlers, pseudonymise the ledger) from its
    ``AppConfig.ready``; accounts calls it here and never imports consent, so the two apps do
    not import each other.
    """
    if fn not in _erasure_steps:
        _erasure_steps.append(fn)
    return fn


@transaction.atomic
def account_erase(*, user: User, method: str) -> None:
    """Erase the member's account: every registered step (consent's), then the account itself.

    One transaction: if a step fails, nothing is withdrawn, pseudonymised or deleted. Files
    outside the database are deleted by the apps through ``transaction.on_commit``.
    """
    for step in _erasure_steps:
        step(user=user, method=method)
    user_delete(user=user)


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account row and what accounts holds about it (the last step of an erasure).

    Invitations addressed to the e-mail and staff admin-log rows naming the account go too:
    they hold the e-mail address; so do its browser sessions and API tokens. Use
    ``account_erase``, not this, to erase a member: it also runs every app's erasure handlers.
    """
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    EmployerInvitation.objects.filter(email__iexact=user.email).delete()
    UserSession.objects.filter(user_id=user.pk).delete()
    ApiToken.objects.filter(user_id=user.pk).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).delete()
    user.delete()
