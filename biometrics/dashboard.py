"""Aggregate figures about verifications for the staff dashboard (no personal data)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from biometrics.models import DOCUMENT_REASONS, Status, Verification


def verification_outcomes_by_day(*, days: int = 30) -> list[dict[str, Any]]:
    """Verifications submitted per day (site time zone), by their current status, oldest first."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        Verification.objects.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("day", "status")
        .annotate(count=Count("id"))
        .order_by("day", "status")
    )
    return [{"day": row["day"], "status": row["status"], "count": row["count"]} for row in rows]


def review_queue_size() -> int:
    """How many verifications wait for a reviewer."""
    return Verification.objects.filter(status=Status.NEEDS_REVIEW).count()


def document_reason_counts(*, days: int = 30) -> list[dict[str, Any]]:
    """Cases of the last ``days`` days per document-check reason code (all codes, zeros too)."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        Verification.objects.filter(created_at__gte=since, reason_code__in=DOCUMENT_REASONS)
        .values("reason_code")
        .annotate(count=Count("id"))
    )
    counts = {row["reason_code"]: row["count"] for row in rows}
    return [
        {"code": code.value, "label": str(code.label), "count": counts.get(code.value, 0)}
        for code in DOCUMENT_REASONS
    ]
