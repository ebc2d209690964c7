"""Candidate-search models (owned by careers-search): the search row per profile, saved searches.

The search row is an accelerator, never the authority: every result is re-checked live against
consent, the profile's visibility and the hide-from-current-employer rule before it is shown
(see ``careers.services.search_index``), so a stale row can only hide someone, never reveal them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from careers.models.profiles import CareerProfile

__all__ = ["CandidateSearchIndex", "CandidateSearchKey", "SavedSearch"]


class CandidateSearchIndex(models.Model):
    """One denormalised search row per career profile, maintained by ``candidate_index_refresh``.

    Holds what a result card shows (public id, skills with levels in ``keys``, badge) and the
    query-independent ``rank`` (verified, years): a search with no key to match walks the
    partial ``(rank DESC, profile)`` index and stops after one page. ``keys`` is the source
    of the postings (``CandidateSearchKey``): ``"s:<skill id>": proficiency``,
    ``"t:<title word>": 1``, ``"tc:<current title word>": 1``, ``"c:<home city>": 1``,
    ``"l:<city willing to work in>": 1``, ``"e:<level>": 1``, ``"f:<field word>": 1``,
    ``"r:<work mode>": 1``.
    """

    profile = models.OneToOneField(
        CareerProfile, on_delete=models.CASCADE, primary_key=True, related_name="search_row"
    )
    public_id = models.UUIDField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    discoverable = models.BooleanField(default=False)
    years = models.PositiveSmallIntegerField(default=0)
    verified = models.BooleanField(default=False)
    verified_on = models.DateField(null=True, blank=True)
    rank = models.PositiveSmallIntegerField(default=0)
    # Last day the member was active: signed in or changed their profile ("recently active").
    active_on = models.DateField(default=timezone.localdate)
    keys = models.JSONField(default=dict)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("candidate search row")
        indexes = [
            models.Index(
                fields=["-rank", "profile"],
                name="careers_cand_rank",
                include=["years", "active_on"],
                condition=Q(discoverable=True),
            ),
            # The other two sort orders of a search with no key to match.
            models.Index(
                F("years").desc(),
                F("rank").desc(),
                "profile",
                name="careers_cand_years",
                include=["active_on"],
                condition=Q(discoverable=True),
            ),
            models.Index(
                F("active_on").desc(),
                F("rank").desc(),
                "profile",
                name="careers_cand_active",
                include=["years"],
                condition=Q(discoverable=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Search row {self.public_id}"


class CandidateSearchKey(models.Model):
    """One posting of the candidate inverted index: a discoverable profile has this key.

    Keys: ``s:<skill id>`` (``level`` = proficiency), ``t:<title word>`` (any title),
    ``tc:<word>`` (current title), ``c:<home city>``, ``l:<city willing to work in>``,
    ``e:<education level 1-5>`` (that level or higher), ``f:<field-of-study word>`` (level 0).
    The per-profile filter columns are copied onto every posting so the covering index
    ``(key, level DESC, rank DESC, profile) INCLUDE (filters)`` answers a search with an
    index-only scan: one key walks in relevance order and stops after a page; several keys
    are summed per profile from their index ranges. No heap access, so the cost follows the
    size of the key ranges read, not the table. Only discoverable profiles have postings.
    """

    pk = models.CompositePrimaryKey("profile_id", "key")
    profile = models.ForeignKey(CareerProfile, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    level = models.PositiveSmallIntegerField(default=0)
    rank = models.PositiveSmallIntegerField(default=0)
    years = models.PositiveSmallIntegerField(default=0)
    verified = models.BooleanField(default=False)
    onsite = models.BooleanField(default=False)
    hybrid = models.BooleanField(default=False)
    remote = models.BooleanField(default=False)
    active_on = models.DateField(default=timezone.localdate)

    class Meta:
        verbose_name = _("candidate search posting")
        indexes = [
            models.Index(
                fields=["key", "-level", "-rank", "profile"],
                include=["years", "verified", "onsite", "hybrid", "remote", "active_on"],
                name="careers_cand_key_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.profile_id}"


class SavedSearch(models.Model):
    """A recruiter's named candidate search, shared with the employer's other recruiters."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    employer = models.ForeignKey(
        "accounts.Employer", on_delete=models.CASCADE, related_name="saved_searches"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    params = models.JSONField(_("filters"), default=dict)
    # Daily e-mail digest of new matching candidates to the recruiter who saved it.
    alert = models.BooleanField(_("daily e-mail of new candidates"), default=False)
    alerted_at = models.DateTimeField(null=True, blank=True)
    # Public ids already sent in a digest (newest last, at most ALERT_SEEN_MAX).
    alert_seen = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "name"], name="careers_saved_search_name_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name
