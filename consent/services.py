"""Write side of consent: grant, withdraw, record access, export, erase, retention.

Every consent change is a ledger event; the projection (ConsentState) is updated in the same
transaction, and so are the other apps' withdrawal handlers (see ``consent.registry``).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from config.encryption import lookup_hash
from config.errors import ApplicationError
from consent import registry
from consent.access_details import detail_normalise
from consent.models import (
    AccessLogEntry,
    ConsentEvent,
    ConsentState,
    ConsentText,
    PolicyVersion,
    Purpose,
)
from consent.purpose_texts import purpose_texts_in
from consent.receipts import policy_effective_date
from consent.selectors import member_export, policy_current

logger = logging.getLogger(__name__)


def subject_ref(user_id: uuid.UUID | str) -> str:
    """Return the pseudonymous reference that stays in the ledger after erasure."""
    return lookup_hash(str(user_id), namespace="consent-subject")


def consent_text_render(*, purpose: Purpose, policy: PolicyVersion, language: str) -> str:
    """Return the exact text shown to the member for this purpose, in ``language``."""
    texts = purpose_texts_in(purpose, language)
    with translation.override(language):
        lines = [
            str(_("Privacy policy %(version)s, effective %(date)s."))
            % {
                "version": policy.version,
                "date": date_format(policy_effective_date(policy)),
            },
            texts.name,
            texts.description,
            str(_("Data collected: %(categories)s."))
            % {"categories": ", ".join(texts.data_categories)},
            str(_("How long it is kept: %(retention)s.")) % {"retention": texts.retention},
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
    user: User,
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
        subject_ref=subject_ref(user.pk),
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


def _check_method(method: str) -> None:
    if method not in ConsentEvent.Method.values:
        raise ApplicationError(_("Unknown consent method."), code="invalid")


def _purpose(code: str) -> Purpose:
    purpose = Purpose.objects.filter(code=code).first()
    if purpose is None:
        raise ApplicationError(_("Unknown purpose."), code="not_found", status_code=404)
    return purpose


@transaction.atomic
def consent_grant(
    *,
    user: User,
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
    _check_method(method)
    purpose_obj = _purpose(purpose)
    signature = signature.strip()[:200]
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
    user: User,
    purpose: str,
    method: str,
    language: str = "en",
    ip_address: str | None = None,
    user_agent: str = "",
) -> tuple[ConsentEvent, list[str]]:
    """Record a withdrawal and run every app's withdrawal handler for ``purpose`` at once.

    Returns the event and the lines the member should be told (e.g. which employers had their
    profile). Handlers run in this transaction: if one fails, the withdrawal is not recorded
    and the member sees the error, rather than a "withdrawn" state with processing still on.
    A withdrawal is recorded even without a prior grant: it is also how a member objects to
    profiling before ever being asked.
    """
    _check_method(method)
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
    accessor: User | None,
    subject: User,
    category: str,
    purpose: str,
    detail: str = "",
    accessor_label: str = "",
    detail_key: str = "",
    detail_params: dict[str, Any] | None = None,
) -> AccessLogEntry:
    """Record that ``accessor`` read ``subject``'s sensitive data of ``category`` for ``purpose``.

    Call this from every access function that returns sensitive data, in the same transaction.
    ``detail_key`` (see consent.access_details) lets the member read the detail in their own
    language. The same read repeated within CONSENT_ACCESS_LOG_COLLAPSE_SECONDS (reloading a
    page) adds to the count of the existing row instead of writing a new one.
    """
    if not accessor_label:
        accessor_label = (
            getattr(accessor, "display_name", "") or str(accessor) if accessor else _("System")
        )
    accessor_obj = accessor if getattr(accessor, "pk", None) else None
    detail_key, detail_params = detail_normalise(detail, detail_key, detail_params or {})
    now = timezone.now()
    window = getattr(settings, "CONSENT_ACCESS_LOG_COLLAPSE_SECONDS", 600)
    fields = {
        "subject": subject,
        "accessor": accessor_obj,
        "accessor_label": accessor_label[:200],
        "category": category,
        "purpose": purpose,
        "detail": detail[:300],
        "detail_key": detail_key,
    }
    # Its own (nested) transaction: some readers call this outside one, and the row lock
    # needs one on PostgreSQL.
    with transaction.atomic():
        if window:
            recent = (
                AccessLogEntry.objects.select_for_update()
                .filter(created_at__gte=now - timedelta(seconds=window), **fields)
                .order_by("-created_at")
                .first()
            )
            if recent is not None and recent.detail_params == detail_params:
                recent.count += 1
                recent.last_at = now
                recent.save(update_fields=["count", "last_at"])
                return recent
        return AccessLogEntry.objects.create(**fields, detail_params=detail_params)


# --- Export (GDPR Art. 15 and 20) ---------------------------------------------------------------


@transaction.atomic
def member_export_create(*, user: User, method: str) -> dict[str, Any]:
    """Return the member's full data export and record the export in their access log.

    The log row lets a member spot an export they did not make (a taken-over account).
    """
    access_record(
        accessor=user,
        subject=user,
        category="data_export",
        purpose="access_request",
        detail=_("Data export (%(method)s)") % {"method": method},
        detail_key="data_export",
        detail_params={"method": method},
        accessor_label=user.display_name,
    )
    return member_export(user=user)


# --- Erasure (GDPR Art. 17) ---------------------------------------------------------------------


def ledger_pseudonymise(*, user_id: uuid.UUID) -> int:
    """Strip personal data from a member's ledger rows and detach them from the account.

    Keeps subject_ref, purpose, policy version, action, timestamps, method and the text hash:
    pseudonymous proof that consent existed. ``_erasing`` is the one sanctioned way past the
    ledger's append-only ``save``. Also runs from a ``pre_delete`` signal on the user model
    (``consent.signals``), so a user deleted any other way does not leave signatures behind.
    """
    count = 0
    for event in ConsentEvent.objects.filter(user_id=user_id):
        event.signature = ""
        event.ip_address = None
        event.user_agent = ""
        event.erased = True
        event.user = None
        event._erasing = True
        event.save(update_fields=["signature", "ip_address", "user_agent", "erased", "user"])
        count += 1
    # Rows about what this person read of others stay for those others (Art. 15: recipients),
    # but without the name of a person who no longer has an account.
    AccessLogEntry.objects.filter(accessor_id=user_id).update(
        accessor=None, accessor_label=str(_("A deleted account"))
    )
    return count


@transaction.atomic
def consent_erase(*, user: User, method: str) -> None:
    """Consent's part of an account erasure: withdraw everything, delete personal data, keep proof.

    ``accounts.services.account_erase`` runs this (registered in ``ConsentConfig.ready``) and
    then deletes the user, all in one transaction: record a withdrawal for every purpose still
    granted; run every purpose's withdrawal handlers (biometric data is destroyed exactly as on
    withdrawal) and every erasure handler; pseudonymise the ledger; delete the access log about
    the member. Files are deleted by the apps through ``transaction.on_commit``, so a failure
    leaves everything as it was.
    """
    _check_method(method)
    user_id = user.pk
    ref = subject_ref(user_id)
    for state in ConsentState.objects.filter(user_id=user_id, granted=True).select_related(
        "purpose"
    ):
        _record(
            user=user,
            purpose=state.purpose,
            action=ConsentEvent.Action.WITHDRAW,
            method=method,
            language=user.preferred_language or "en",
        )
    for purpose in Purpose.objects.all():
        for handler in registry.withdrawal_handlers(purpose.code):
            handler(user)
    for handler in registry.erasure_handlers():
        handler(user)
    ConsentState.objects.filter(user_id=user_id).delete()
    ledger_pseudonymise(user_id=user_id)
    AccessLogEntry.objects.filter(subject_id=user_id).delete()
    logger.info("Account erased; ledger kept for subject %s", ref)


# --- Retention ----------------------------------------------------------------------------------


RETENTION_BATCH = 1000


def access_log_expire(now: datetime, *, batch_size: int = RETENTION_BATCH) -> int:
    """Delete access log rows older than CONSENT_ACCESS_LOG_RETENTION_DAYS (3 years).

    In batches of ``batch_size`` rows, one transaction each: years of rows never sit in one
    transaction, and a sweep cut short keeps what it removed (the next one goes on from there).
    """
    days = getattr(settings, "CONSENT_ACCESS_LOG_RETENTION_DAYS", 3 * 365)
    expired = AccessLogEntry.objects.filter(created_at__lt=now - timedelta(days=days))
    removed = 0
    while True:
        with transaction.atomic():
            batch = list(expired.values_list("pk", flat=True)[:batch_size])
            if not batch:
                return removed
            deleted, _per_model = AccessLogEntry.objects.filter(pk__in=batch).delete()
        removed += deleted


# Rules that commit batch by batch themselves; every other rule runs in one transaction.
_BATCHED_RULES = {"consent.access_log"}


def retention_sweep(
    *,
    now: datetime | None = None,
    progress: Callable[[list[str]], Iterable[str]] | None = None,
) -> dict[str, int]:
    """Run every retention rule once; return records removed per rule (-1: the rule failed).

    Each rule runs in its own transaction (consent's access-log rule, in its own batches), so
    one failing rule (logged) does not stop the others. Idempotent: running it twice removes
    nothing the second time. ``progress`` wraps the list of rule names (``manage.py
    retention_sweep`` passes a tqdm bar).
    """
    now = now or timezone.now()
    rules = {"consent.access_log": access_log_expire, **registry.retention_handlers()}
    names = list(rules)
    results: dict[str, int] = {}
    for name in progress(names) if progress else names:
        rule = rules[name]
        try:
            if name in _BATCHED_RULES:
                results[name] = int(rule(now) or 0)
            else:
                with transaction.atomic():
                    results[name] = int(rule(now) or 0)
        except Exception:
            logger.exception("Retention rule %s failed", name)
            results[name] = -1
    return results
