"""Write side of consent: grant, withdraw, record access. Every change is a ledger event."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.encryption import lookup_hash
from config.errors import ApplicationError
from consent import registry
from consent.models import (
    AccessLogEntry,
    ConsentEvent,
    ConsentState,
    ConsentText,
    PolicyVersion,
    Purpose,
)
from consent.selectors import policy_current

logger = logging.getLogger(__name__)

# Re-exported so other apps import the guard from one place: consent.services.require_consent.
from consent.selectors import has_consent, require_consent  # noqa: E402, F401


def subject_ref(user_id: object) -> str:
    """Return the pseudonymous reference that stays in the ledger after erasure."""
    return lookup_hash(str(user_id), namespace="consent-subject")


def consent_text_render(*, purpose: Purpose, policy: PolicyVersion, language: str) -> str:
    """Return the exact text shown to the member for this purpose, in ``language``."""
    with translation.override(language):
        lines = [
            str(_("Privacy policy %(version)s, effective %(date)s."))
            % {"version": policy.version, "date": policy.effective_at.date().isoformat()},
            str(_(purpose.name)),
            str(_(purpose.description)),
            str(_("Data collected: %(categories)s."))
            % {"categories": ", ".join(str(_(c)) for c in purpose.data_categories)},
            str(_("How long it is kept: %(retention)s."))
            % {"retention": str(_(purpose.retention))},
            str(_("You can withdraw this consent at any time, as easily as you gave it.")),
        ]
    return "\n".join(lines)


def _store_text(text: str, language: str) -> ConsentText:
    digest = hashlib.sha256(text.encode()).hexdigest()
    stored, _created = ConsentText.objects.get_or_create(
        sha256=digest, defaults={"text": text, "language": language}
    )
    return stored


def _record(
    *,
    user: object,
    purpose: Purpose,
    action: str,
    method: str,
    language: str,
    signature: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
    at: datetime | None = None,
) -> ConsentEvent:
    policy = policy_current()
    if policy is None:
        raise ApplicationError(_("No privacy policy is in effect yet."), code="no_policy")
    now = at or timezone.now()
    text = _store_text(
        consent_text_render(purpose=purpose, policy=policy, language=language), language
    )
    event = ConsentEvent.objects.create(
        user=user,
        subject_ref=subject_ref(user.pk),  # type: ignore[attr-defined]
        purpose=purpose,
        policy_version=policy,
        action=action,
        created_at=now,
        method=method,
        text=text,
        language=language,
        signature=signature,
        ip_address=ip_address,
        user_agent=user_agent[:300],
    )
    granted = action == ConsentEvent.Action.GRANT
    ConsentState.objects.update_or_create(
        user=user,
        purpose=purpose,
        defaults={
            "granted": granted,
            "policy_version": policy,
            "granted_at": now if granted else None,
            "last_event": event,
            "updated_at": now,
        },
    )
    return event


def _purpose(code: str) -> Purpose:
    purpose = Purpose.objects.filter(code=code).first()
    if purpose is None:
        raise ApplicationError(_("Unknown purpose."), code="not_found", status_code=404)
    return purpose


@transaction.atomic
def consent_grant(
    *,
    user: object,
    purpose: str,
    method: str,
    language: str = "en",
    signature: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
) -> ConsentEvent:
    """Record the member's consent for ``purpose`` under the current policy.

    Special-category purposes (biometrics) need an e-signature: the member types their full name.
    """
    purpose_obj = _purpose(purpose)
    signature = signature.strip()
    if purpose_obj.special_category and len(signature) < 2:
        raise ApplicationError(
            _("Type your full name to sign this consent."),
            code="signature_required",
            fields={"signature": [_("Type your full name to sign this consent.")]},
        )
    return _record(
        user=user,
        purpose=purpose_obj,
        action=ConsentEvent.Action.GRANT,
        method=method,
        language=language,
        signature=signature,
        ip_address=ip_address,
        user_agent=user_agent,
    )


@transaction.atomic
def consent_withdraw(
    *,
    user: object,
    purpose: str,
    method: str,
    language: str = "en",
    ip_address: str | None = None,
    user_agent: str = "",
) -> tuple[ConsentEvent, list[str]]:
    """Record a withdrawal and run every app's withdrawal handler for ``purpose`` at once.

    Returns the event and the lines the member should be told (e.g. which employers had their
    profile).
    """
    purpose_obj = _purpose(purpose)
    event = _record(
        user=user,
        purpose=purpose_obj,
        action=ConsentEvent.Action.WITHDRAW,
        method=method,
        language=language,
        ip_address=ip_address,
        user_agent=user_agent,
    )
    notes: list[str] = []
    for handler in registry.withdrawal_handlers(purpose):
        notes.extend(handler(user) or [])
    return event, notes


def access_record(
    *,
    accessor: object | None,
    subject: object,
    category: str,
    purpose: str,
    detail: str = "",
    accessor_label: str = "",
) -> AccessLogEntry:
    """Record that ``accessor`` read ``subject``'s sensitive data of ``category`` for ``purpose``.

    Call this from every access function that returns sensitive data, in the same transaction.
    """
    if not accessor_label:
        accessor_label = (
            getattr(accessor, "display_name", "") or str(accessor) if accessor else _("System")
        )
    return AccessLogEntry.objects.create(
        subject=subject,
        accessor=accessor if getattr(accessor, "pk", None) else None,
        accessor_label=accessor_label[:200],
        category=category,
        purpose=purpose,
        detail=detail[:300],
    )
