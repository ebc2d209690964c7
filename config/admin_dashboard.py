"""Staff dashboard in the admin: verification outcomes, review queue, consent activity.

Charts are inline SVG drawn here on the server (no JavaScript, no chart library, no CDN), from
aggregate selectors only, so the page shows counts and never a member. The view is wrapped in
``admin.site.admin_view`` (active staff only) and linked from the admin index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from biometrics.selectors import (
    Status,
    document_reason_counts,
    review_queue_size,
    verification_outcomes_by_day,
)
from consent.purposes import PurposeCode
from consent.selectors import consent_activity_by_day

DAYS = 30
WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 28

# Colour-blind-safe palette (Okabe-Ito), dark enough for white gaps between stacked bars.
STATUS_COLOURS = {
    Status.VERIFIED: "#009e73",
    Status.REJECTED: "#d55e00",
    Status.NEEDS_REVIEW: "#e69f00",
    Status.PROCESSING: "#0072b2",
    Status.SUBMITTED: "#56b4e9",
    Status.CANCELLED: "#7f7f7f",
}
GRANT_COLOUR, WITHDRAW_COLOUR = "#009e73", "#d55e00"


@dataclass(frozen=True)
class Series:
    """One coloured series of daily counts."""

    label: str
    colour: str
    counts: list[int]


def _days(days: int) -> list[date]:
    today = timezone.localdate()
    return [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if value <= step * 4:
            return step * 4
    return value


def _axis(
    days: list[date], top: int, baseline: float, plot_h: float, width: int, height: int
) -> SafeString:
    """Horizontal grid lines with their values, and a date label every week."""
    plot_w = width - LEFT - RIGHT
    lines = []
    for i in range(5):
        y = baseline - plot_h * i / 4
        value = round(top * i / 4)
        lines.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#d9dee7"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#3d4656">{}</text>',
                LEFT,
                width - RIGHT,
                f"{y:.1f}",
                f"{y:.1f}",
                LEFT - 6,
                f"{y + 4:.1f}",
                value,
            )
        )
    step = plot_w / len(days)
    for index, day in enumerate(days):
        if (len(days) - 1 - index) % 7 == 0:
            x = LEFT + step * (index + (1 if index == len(days) - 1 else 0.5))
            lines.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="{}" font-size="11" fill="#3d4656">{}</text>',
                    f"{x:.1f}",
                    height - 8,
                    "end" if index == len(days) - 1 else "middle",
                    date_format(day, "j M"),
                )
            )
    return mark_safe("".join(lines))  # noqa: S308 - every part above went through format_html


def stacked_bars(
    *, title: str, days: list[date], series: list[Series], width: int = WIDTH, height: int = HEIGHT
) -> SafeString:
    """A stacked bar chart of daily counts as an accessible inline SVG."""
    totals = [sum(s.counts[i] for s in series) for i in range(len(days))]
    top = _nice_max(max(totals, default=0))
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    baseline = TOP + plot_h
    step = plot_w / len(days)
    bars = []
    for index, day in enumerate(days):
        y: float = baseline
        for s in series:
            count = s.counts[index]
            if not count:
                continue
            h = plot_h * count / top
            y -= h
            bars.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{} · {}: {}</title></rect>",
                    f"{LEFT + step * index + 1:.1f}",
                    f"{y:.1f}",
                    f"{max(step - 2, 1):.1f}",
                    f"{h:.1f}",
                    s.colour,
                    date_format(day, "DATE_FORMAT"),
                    s.label,
                    count,
                )
            )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"'
        ' xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}{}</svg>',
        width,
        height,
        title,
        title,
        _axis(days, top, baseline, plot_h, width, height),
        mark_safe("".join(bars)),  # noqa: S308
    )


def diverging_bars(
    *,
    title: str,
    days: list[date],
    up: Series,
    down: Series,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """Grants above the line, withdrawals below it, per day, as an accessible inline SVG."""
    top = _nice_max(max([*up.counts, *down.counts], default=0))
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    middle = TOP + plot_h / 2
    step = plot_w / len(days)
    parts = [
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#3d4656"/>'
            '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#3d4656">{}</text>'
            '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#3d4656">{}</text>'
            '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#3d4656">0</text>',
            LEFT,
            width - RIGHT,
            f"{middle:.1f}",
            f"{middle:.1f}",
            LEFT - 6,
            TOP + 10,
            top,
            LEFT - 6,
            TOP + plot_h,
            top,
            LEFT - 6,
            f"{middle + 4:.1f}",
        )
    ]
    for index, day in enumerate(days):
        x = f"{LEFT + step * index + 1:.1f}"
        bar_w = f"{max(step - 2, 1):.1f}"
        for s, sign in ((up, -1), (down, 1)):
            count = s.counts[index]
            if not count:
                continue
            h = (plot_h / 2) * count / top
            y = middle - h if sign < 0 else middle
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{} · {}: {}</title></rect>",
                    x,
                    f"{y:.1f}",
                    bar_w,
                    f"{h:.1f}",
                    s.colour,
                    date_format(day, "DATE_FORMAT"),
                    s.label,
                    count,
                )
            )
        if (len(days) - 1 - index) % 7 == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="{}" font-size="11" fill="#3d4656">{}</text>',
                    f"{LEFT + step * (index + 1):.1f}"
                    if index == len(days) - 1
                    else f"{LEFT + step * (index + 0.5):.1f}",
                    height - 8,
                    "end" if index == len(days) - 1 else "middle",
                    date_format(day, "j M"),
                )
            )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"'
        ' xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>',
        width,
        height,
        title,
        title,
        mark_safe("".join(parts)),  # noqa: S308
    )


def _legend(series: list[Series]) -> SafeString:
    return format_html_join(
        "",
        '<span class="legend-item"><svg width="12" height="12" aria-hidden="true">'
        '<rect width="12" height="12" fill="{}"/></svg> {} ({})</span>',
        ((s.colour, s.label, sum(s.counts)) for s in series),
    )


def _table(day_list: list[date], series: list[Series]) -> list[dict[str, Any]]:
    """The chart's numbers as rows (days with any activity), for a table under the chart."""
    return [
        {"day": day, "counts": [s.counts[i] for s in series]}
        for i, day in enumerate(day_list)
        if any(s.counts[i] for s in series)
    ]


def dashboard_context(*, days: int = DAYS) -> dict[str, Any]:
    """Everything the dashboard shows: charts, legends and totals for the last ``days`` days."""
    day_list = _days(days)
    index = {day: i for i, day in enumerate(day_list)}

    outcome_counts = {status: [0] * days for status in STATUS_COLOURS}
    for row in verification_outcomes_by_day(days=days):
        if row["day"] in index and row["status"] in outcome_counts:
            outcome_counts[row["status"]][index[row["day"]]] += row["count"]
    outcomes = [
        Series(label=str(Status(status).label), colour=colour, counts=outcome_counts[status])
        for status, colour in STATUS_COLOURS.items()
    ]

    activity: dict[tuple[str, str], list[int]] = {}
    for row in consent_activity_by_day(days=days):
        if row["day"] in index:
            counts = activity.setdefault((row["purpose"], row["action"]), [0] * days)
            counts[index[row["day"]]] += row["count"]
    purposes = []
    for code in PurposeCode:
        grants = Series(
            label=_("Granted"),
            colour=GRANT_COLOUR,
            counts=activity.get((code.value, "grant"), [0] * days),
        )
        withdrawals = Series(
            label=_("Withdrawn"),
            colour=WITHDRAW_COLOUR,
            counts=activity.get((code.value, "withdraw"), [0] * days),
        )
        name = str(code.label)
        purposes.append(
            {
                "name": name,
                "chart": diverging_bars(
                    title=_("%(purpose)s: consents granted and withdrawn per day")
                    % {"purpose": name},
                    days=day_list,
                    up=grants,
                    down=withdrawals,
                    width=440,
                    height=170,
                ),
                "legend": _legend([grants, withdrawals]),
                "rows": _table(day_list, [grants, withdrawals]),
            }
        )

    try:
        queue_url = (
            reverse("admin:biometrics_verification_changelist") + "?status__exact=needs_review"
        )
    except NoReverseMatch:
        queue_url = ""
    documents = document_reason_counts(days=days)
    for row in documents:
        row["url"] = (
            f"{queue_url.split('?')[0]}?reason_code__exact={row['code']}" if queue_url else ""
        )
    return {
        "document_reasons": documents,
        "days": days,
        "outcomes_chart": stacked_bars(
            title=_("Identity verifications submitted per day, by outcome"),
            days=day_list,
            series=outcomes,
        ),
        "outcomes_legend": _legend(outcomes),
        "outcome_labels": [s.label for s in outcomes],
        "outcome_rows": _table(day_list, outcomes),
        "outcomes_total": sum(sum(s.counts) for s in outcomes),
        "review_queue": review_queue_size(),
        "review_queue_url": queue_url,
        "purposes": purposes,
    }


def staff_dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard page, inside the admin's look and navigation."""
    context = {
        **admin.site.each_context(request),
        "title": gettext_lazy("Staff dashboard"),
        **dashboard_context(),
    }
    return render(request, "admin/staff_dashboard.html", context)


dashboard_view = admin.site.admin_view(staff_dashboard)
