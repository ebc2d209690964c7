"""Saved-search alerts: a daily e-mail digest of new candidates matching a saved search.

A candidate appears in a digest under exactly the rules of search (the digest *is* a search:
``careers.selectors.search.candidate_search`` as the employer, consent, visibility and the hide rule
checked live), only once per saved search, and only as a card: headline, city, years, a link
to the profile (opening it is logged in the member's access log as any view).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from careers.models import SavedSearch
from careers.search_text import query_from_params, query_sentence
from careers.selectors.recruiters import saved_search_get
from careers.selectors.search import candidate_search

if TYPE_CHECKING:
    from accounts.models import Employer

logger = logging.getLogger(__name__)

ALERT_SEEN_MAX = 2000
DIGEST_SIZE = 20


@transaction.atomic
def saved_search_set_alert(*, employer: Employer, saved_search_id: Any, alert: bool) -> SavedSearch:
    """Turn a saved search's daily digest on or off (404 for another employer's search)."""
    saved = saved_search_get(employer=employer, saved_search_id=saved_search_id)
    saved.alert = bool(alert)
    saved.save(update_fields=["alert"])
    return saved


def _still_member(saved: SavedSearch) -> bool:
    from accounts.selectors import user_employer_ids

    user = saved.created_by
    return bool(user and user.is_active and saved.employer_id in user_employer_ids(user=user))


def saved_search_alert_one(saved: SavedSearch) -> bool:
    """Send one digest if there are new candidates; True when an e-mail went out."""
    query = query_from_params(saved.params)
    recipient = saved.created_by
    if query is None or recipient is None or not _still_member(saved):
        return False
    page = candidate_search(employer=saved.employer, query=query, page_size=DIGEST_SIZE)
    seen = set(saved.alert_seen or [])
    new = [card for card in page.cards if str(card.public_id) not in seen]
    saved.alerted_at = timezone.now()
    if not new:
        saved.save(update_fields=["alerted_at"])
        return False
    base = settings.SITE_URL.rstrip("/")
    with translation.override(getattr(recipient, "preferred_language", None) or "en"):
        subject = ngettext(
            "%(n)d new candidate for “%(name)s”",
            "%(n)d new candidates for “%(name)s”",
            len(new),
        ) % {"n": len(new), "name": saved.name}
        lines = [query_sentence(query), ""]
        for card in new:
            years = ngettext("%(y)d year", "%(y)d years", card.years) % {"y": card.years}
            link = base + reverse("careers:recruiter-candidate", args=[card.public_id])
            lines.append(f"- {card.headline or _('Candidate')} · {card.city or '—'} · {years}")
            lines.append(f"  {link}")
        lines += ["", _("Turn this alert off on the saved searches page.")]
    send_mail(subject=subject, message="\n".join(lines), from_email=None, recipient_list=[
        recipient.email
    ])  # fmt: skip
    saved.alert_seen = [*(saved.alert_seen or []), *(str(c.public_id) for c in new)][
        -ALERT_SEEN_MAX:
    ]
    saved.save(update_fields=["alerted_at", "alert_seen"])
    return True


def saved_search_alerts_send() -> int:
    """Send every alerting saved search's digest; one failure does not stop the others."""
    sent = 0
    for saved in SavedSearch.objects.filter(alert=True).select_related("employer", "created_by"):
        try:
            with transaction.atomic():
                sent += saved_search_alert_one(saved)
        except Exception:  # noqa: BLE001 - keep going; the failure is logged without personal data
            logger.warning("saved-search alert %s failed", saved.pk, exc_info=True)
    return sent
