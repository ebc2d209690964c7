"""Read side of consent: the guard other apps call, and the member's consent overview."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Max, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from consent import receipts, registry
from consent.access_details import detail_text
from consent.exceptions import ConsentRequired
from consent.models import AccessLogEntry, ConsentEvent, ConsentState, PolicyVersion, Purpose


def policy_current(*, at: datetime | None = None) -> PolicyVersion | None:
    """Return the policy version in effect now (or at ``at``)."""
    at = at or timezone.now()
    return PolicyVersion.objects.filter(effective_at__lte=at).order_by("-effective_at").first()


def policy_required_for(*, purpose: str, at: datetime | None = None) -> PolicyVersion | None:
    """Return the newest effective policy version that changed ``purpose``.

    Consent given under an older version no longer counts for that purpose.
    """
    at = at or timezone.now()
    return (
        PolicyVersion.objects.filter(effective_at__lte=at, changed_purposes=purpose)
        .order_by("-effective_at")
        .first()
    )


def consent_check(*, user: User | AnonymousUser, purpose: str) -> str | None:
    """Return None when processing for ``purpose`` is allowed, else the reason it is not.

    Reasons: ``missing``, ``withdrawn``, ``policy_updated``.
    """
    if not user.is_authenticated:
        return "missing"
    state = (
        ConsentState.objects.select_related("policy_version")
        .filter(user_id=user.pk, purpose_id=purpose)
        .first()
    )
    if state is None:
        return "missing"
    if not state.granted:
        return "withdrawn"
    required = policy_required_for(purpose=purpose)
    if required is not None and state.policy_version.effective_at < required.effective_at:
        return "policy_updated"
    return None


def has_consent(user: User | AnonymousUser, purpose: str) -> bool:
    """Answer whether ``user`` currently consents to ``purpose`` under the current policy."""
    return consent_check(user=user, purpose=purpose) is None


def require_consent(user: User | AnonymousUser, purpose: str) -> None:
    """Raise ConsentRequired unless ``user`` currently consents to ``purpose``.

    Call before every processing step, including inside Celery tasks: consent can be withdrawn
    while a task waits in the queue.
    """
    reason = consent_check(user=user, purpose=purpose)
    if reason is not None:
        raise ConsentRequired(purpose, reason)


def consented_user_ids(*, purpose: str) -> QuerySet[ConsentState, Any]:
    """Return a values-queryset of user ids with valid consent, for SQL filtering (``__in``)."""
    states = ConsentState.objects.filter(purpose_id=purpose, granted=True)
    required = policy_required_for(purpose=purpose)
    if required is not None:
        states = states.filter(policy_version__effective_at__gte=required.effective_at)
    return states.values("user_id")


@dataclass(frozen=True)
class PurposeStatus:
    """One purpose as the member sees it in the privacy centre."""

    purpose: Purpose
    granted: bool
    reason: str | None
    policy_version: str | None
    since: datetime | None


def _required_effective_at(*, at: datetime | None = None) -> dict[str, datetime]:
    """Return, per purpose, when the newest effective policy version that changed it began."""
    at = at or timezone.now()
    through = PolicyVersion.changed_purposes.through
    rows = (
        through.objects.filter(policyversion__effective_at__lte=at)
        .values("purpose_id")
        .annotate(effective_at=Max("policyversion__effective_at"))
    )
    return {row["purpose_id"]: row["effective_at"] for row in rows}


def consent_overview(*, user: User) -> list[PurposeStatus]:
    """Return every purpose with the member's state (three queries, whatever the count).

    Same answer as ``consent_check`` for each purpose, computed from one load of the states.
    """
    states = {
        s.purpose_id: s
        for s in ConsentState.objects.select_related("policy_version").filter(user_id=user.pk)
    }
    required = _required_effective_at()
    overview = []
    for purpose in Purpose.objects.all():
        state = states.get(purpose.code)
        if state is None:
            reason: str | None = "missing"
        elif not state.granted:
            reason = "withdrawn"
        elif (
            purpose.code in required and state.policy_version.effective_at < required[purpose.code]
        ):
            reason = "policy_updated"
        else:
            reason = None
        overview.append(
            PurposeStatus(
                purpose=purpose,
                granted=reason is None,
                reason=reason,
                policy_version=state.policy_version.version if state else None,
                since=state.updated_at if state else None,
            )
        )
    return overview


def purpose_get(*, code: str) -> Purpose:
    """Return the purpose with this code, or raise Http404 (unknown codes are not found)."""
    purpose = Purpose.objects.filter(code=code).first()
    if purpose is None:
        raise Http404
    return purpose


def purpose_list() -> QuerySet[Purpose]:
    """Return every purpose in display order."""
    return Purpose.objects.all()


def policy_list(*, at: datetime | None = None) -> QuerySet[PolicyVersion]:
    """Return the policy versions in effect now or in the past, newest first."""
    at = at or timezone.now()
    return PolicyVersion.objects.filter(effective_at__lte=at).prefetch_related("changed_purposes")


def consent_history(*, user: User) -> QuerySet[ConsentEvent]:
    """Return the member's own ledger events, newest first."""
    return ConsentEvent.objects.filter(user_id=user.pk).select_related("purpose", "policy_version")


def consent_event_get(*, user: User, event_id: object) -> ConsentEvent:
    """Return one of the member's own consent events (grant or withdrawal), else Http404.

    Missing and someone else's ids give the same 404.
    """
    event = (
        consent_history(user=user)
        .filter(pk=_uuid_or_404(event_id))
        .select_related("text", "purpose", "policy_version")
        .first()
    )
    if event is None:
        raise Http404
    return event


def consent_receipt_get(
    *, user: User, event_id: object, base_url: str | None = None
) -> dict[str, Any]:
    """Return the receipt of one of the member's own grants or withdrawals; Http404 otherwise."""
    event = consent_event_get(user=user, event_id=event_id)
    return receipts.receipt_build(event=event, base_url=base_url)


def consent_receipt_latest(
    *, user: User, purpose: str, base_url: str | None = None
) -> dict[str, Any]:
    """Return the receipt of the member's latest grant for ``purpose``, or raise Http404."""
    purpose_get(code=purpose)
    event = (
        consent_history(user=user)
        .filter(action=ConsentEvent.Action.GRANT, purpose_id=purpose)
        .select_related("text")
        .first()
    )
    if event is None:
        raise Http404
    return receipts.receipt_build(event=event, base_url=base_url)


def _uuid_or_404(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


def access_log_for(*, user: User) -> QuerySet[AccessLogEntry]:
    """Return who accessed the member's sensitive data, newest first."""
    return AccessLogEntry.objects.filter(subject_id=user.pk)


def _event_export(event: ConsentEvent) -> dict[str, Any]:
    return {
        "id": str(event.id),
        "purpose": event.purpose_id,
        "action": event.action,
        "policy_version": event.policy_version.version,
        "created_at": event.created_at.isoformat(),
        "method": event.method,
        "language": event.language,
        "text_sha256": event.text_id,
        "text": event.text.text,
        "signature": event.signature,
        "ip_address": event.ip_address,
        "user_agent": event.user_agent,
        "receipt": receipts.receipt_build(event=event),
    }


# Keys the consent app writes itself; an app section with one of these names is prefixed.
_EXPORT_RESERVED = {"format", "generated_at", "account", "consents", "access_log"}


def member_export(*, user: User) -> dict[str, Any]:
    """Return everything held about the member as one JSON-ready dict (GDPR Art. 15 and 20).

    Account, consents (current state, every ledger event with the text shown and a receipt per
    grant), the access log, and each section other apps register with ``@export_section``.
    Sections hold what the platform holds about the member, including their own ID number while
    it is kept (GDPR Art. 15), but never images or face templates; bytes cannot be encoded, so a
    raw file slipping in fails loudly instead of leaking.
    """
    from accounts import selectors as account_selectors

    premium = account_selectors.premium_status(user=user)
    data: dict[str, Any] = {
        "format": "platform-member-export/1",
        "generated_at": timezone.now().isoformat(),
        "account": {
            "id": str(user.pk),
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": user.date_joined,
            "last_seen_at": user.last_seen_at,
            "preferred_language": user.preferred_language,
            "premium": {
                "active": premium.active,
                "tier": premium.tier,
                "starts_at": premium.starts_at,
                "expires_at": premium.expires_at,
            },
            "employers": [
                {"employer": m.employer.name, "domain": m.employer.domain, "role": m.role}
                for m in account_selectors.employer_memberships(user=user)
            ],
        },
        "consents": {
            "current": [
                {
                    "purpose": status.purpose.code,
                    "state": "granted" if status.granted else status.reason,
                    "policy_version": status.policy_version,
                    "since": status.since,
                }
                for status in consent_overview(user=user)
            ],
            "events": [
                _event_export(event) for event in consent_history(user=user).select_related("text")
            ],
        },
        "access_log": [
            {
                "who": entry.accessor_label,
                "what": entry.category,
                "why": entry.purpose,
                "detail": detail_text(entry),
                "when": entry.created_at,
                "last_at": entry.last_at,
                "count": entry.count,
            }
            for entry in access_log_for(user=user)
        ],
    }
    for name, handler in sorted(registry.export_handlers().items()):
        key = f"{name}_section" if name in _EXPORT_RESERVED else name
        data[key] = handler(user)
    # One round trip through JSON: the HTML download and the API return exactly the same thing.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def consent_activity_by_day(*, days: int = 30) -> list[dict[str, Any]]:
    """Grants and withdrawals counted per day (site time zone), purpose and action, oldest first.

    Aggregates only: the staff dashboard draws them without seeing who consented.
    """
    since = timezone.now() - timedelta(days=days)
    rows = (
        ConsentEvent.objects.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("day", "purpose__code", "action")
        .annotate(count=Count("id"))
        .order_by("day", "purpose__code", "action")
    )
    return [
        {
            "day": row["day"],
            "purpose": row["purpose__code"],
            "action": row["action"],
            "count": row["count"],
        }
        for row in rows
    ]
