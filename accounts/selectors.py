"""Read access to accounts for this app and the others."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.employer_keys import domain_suffixes
from accounts.models import (
    ApiToken,
    Employer,
    EmployerInvitation,
    EmployerMembership,
    PremiumMembership,
    User,
)


@dataclass(frozen=True)
class PremiumStatus:
    """Whether a member is premium now, and until when."""

    active: bool
    tier: str | None
    starts_at: datetime | None
    expires_at: datetime | None


def user_get(*, user_id: uuid.UUID | str) -> User | None:
    """Return the active user with this id, or None."""
    try:
        return User.objects.filter(pk=user_id, is_active=True).first()
    except (ValueError, TypeError):
        return None


def user_get_by_email(*, email: str) -> User | None:
    """Return the user with this e-mail (case-insensitive), or None."""
    return User.objects.filter(email__iexact=email.strip()).first()


def premium_status(*, user: User, at: datetime | None = None) -> PremiumStatus:
    """Return the member's premium status at ``at`` (now by default)."""
    at = at or timezone.now()
    membership = PremiumMembership.objects.filter(user_id=user.pk).first()
    if membership is None:
        return PremiumStatus(active=False, tier=None, starts_at=None, expires_at=None)
    return PremiumStatus(
        active=membership.is_active_at(at),
        tier=membership.tier,
        starts_at=membership.starts_at,
        expires_at=membership.expires_at,
    )


def user_is_premium(*, user: User, at: datetime | None = None) -> bool:
    """Answer "is this user premium now?" (or at ``at``)."""
    if not user.is_authenticated:
        return False
    at = at or timezone.now()
    return PremiumMembership.objects.filter(
        user_id=user.pk, starts_at__lte=at, expires_at__gt=at
    ).exists()


def employer_memberships(*, user: User) -> QuerySet[EmployerMembership]:
    """Return the user's employer memberships with their employers."""
    return EmployerMembership.objects.filter(user_id=user.pk).select_related("employer")


def user_employer_ids(*, user: User | AnonymousUser, owner_only: bool = False) -> list[uuid.UUID]:
    """Return the ids of the employers this user belongs to (as owner, or any role)."""
    if not user.is_authenticated:
        return []
    memberships = EmployerMembership.objects.filter(user_id=user.pk)
    if owner_only:
        memberships = memberships.filter(role=EmployerMembership.Role.OWNER)
    return list(memberships.values_list("employer_id", flat=True))


def employer_get_for_member(
    *, user: User, employer_id: uuid.UUID | str, owner_only: bool = False
) -> Employer:
    """Return the employer if the user belongs to it (as owner when asked), else raise 404."""
    try:
        employer_uuid = uuid.UUID(str(employer_id))
    except ValueError as exc:
        raise Http404 from exc
    if employer_uuid not in user_employer_ids(user=user, owner_only=owner_only):
        raise Http404
    return Employer.objects.get(pk=employer_uuid)


def employer_user_ids(*, employer_id: uuid.UUID) -> list[uuid.UUID]:
    """Return the ids of every owner and recruiter of an employer."""
    return list(
        EmployerMembership.objects.filter(employer_id=employer_id).values_list("user_id", flat=True)
    )


def employer_list(*, ids: list[uuid.UUID] | None = None) -> QuerySet[Employer]:
    """Return employers, optionally only those with the given ids."""
    employers = Employer.objects.all()
    return employers.filter(pk__in=ids) if ids is not None else employers


def employers_of(*, user: User | AnonymousUser) -> list[Employer]:
    """Return the employers ``user`` belongs to (owner or recruiter), by name."""
    ids = user_employer_ids(user=user)
    return list(employer_list(ids=ids).order_by("name")) if ids else []


def employer_acted_for(
    *, user: User | AnonymousUser, employer_id: uuid.UUID | str | None = None
) -> Employer | None:
    """Return the employer ``user`` acts for: the one asked for if theirs, else their first.

    None when ``user`` belongs to no employer, or asked for one that is not theirs.
    """
    employers = employers_of(user=user)
    if not employers:
        return None
    if employer_id in (None, ""):
        return employers[0]
    return next((e for e in employers if str(e.pk) == str(employer_id)), None)


def employer_pending_invitations(*, employer: Employer) -> QuerySet[EmployerInvitation]:
    """Return invitations not yet accepted and not expired."""
    return employer.invitations.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


def api_tokens_for(*, user: User) -> list[ApiToken]:
    """Return the user's API tokens that still work, newest first (never their keys)."""
    from accounts.services import password_stamp_matches

    if not user.is_active:
        return []
    tokens = ApiToken.objects.filter(user_id=user.pk, expires_at__gt=timezone.now())
    valid: dict[str, bool] = {}
    live = []
    for token in tokens:
        if token.password_stamp not in valid:
            valid[token.password_stamp] = password_stamp_matches(user, token.password_stamp)
        if valid[token.password_stamp]:
            live.append(token)
    return live


def employer_get(*, employer_id: object) -> Employer | None:
    """Return the registered employer with this id, or None (also for a malformed id)."""
    try:
        return Employer.objects.filter(pk=uuid.UUID(str(employer_id))).first()
    except ValueError:
        return None


def employers_search(*, q: str = "") -> QuerySet[Employer]:
    """Return registered employers by name, those whose name or domain contains ``q``."""
    employers = Employer.objects.order_by("name", "domain")
    q = " ".join(str(q).split())[:100]
    if q:
        employers = employers.filter(
            Q(name__icontains=q) | Q(domain__icontains=q) | Q(name_key__icontains=q.casefold())
        )
    return employers


def employers_matching(
    *, employer_ids: Iterable[object], domains: Iterable[str], name_keys: Iterable[str]
) -> QuerySet[Employer]:
    """Return the employers a member's jobs point at: by id, by domain (or a parent of it), or
    by name, all compared in ``accounts.employer_keys`` form."""
    suffixes = {suffix for domain in domains if domain for suffix in domain_suffixes(domain)}
    names = {name for name in name_keys if name}
    return Employer.objects.filter(
        Q(pk__in=list(employer_ids)) | Q(domain__in=suffixes) | Q(name_key__in=names)
    ).order_by("name")


def employers_sharing_people(*, employer_ids: Iterable[uuid.UUID | str]) -> QuerySet[Employer]:
    """Return these employers and every employer that shares an owner or recruiter with them.

    One person acting for two employers sees as both: whoever is hidden from one must be hidden
    from the other (a recruiter could otherwise register a second employer to search as).
    """
    ids = list(employer_ids)
    people = EmployerMembership.objects.filter(employer_id__in=ids).values("user_id")
    shared = EmployerMembership.objects.filter(user_id__in=people).values("employer_id")
    return Employer.objects.filter(Q(pk__in=ids) | Q(pk__in=shared)).order_by("name")


def employer_team(*, employer: Employer) -> QuerySet[EmployerMembership]:
    """The employer's people with their roles: owners first, then by name."""
    return (
        EmployerMembership.objects.filter(employer=employer)
        .select_related("user")
        .order_by("role", "user__display_name", "user__email")
    )


def employer_open_invitations(*, employer: Employer) -> QuerySet[EmployerInvitation]:
    """Invitations not yet accepted, expired ones too (an owner may send them again)."""
    return employer.invitations.filter(accepted_at__isnull=True).order_by("-created_at")
