"""Site-wide display filters (template builtins): money, salary ranges and years of experience.

Registered in ``TEMPLATES["OPTIONS"]["builtins"]`` so every template, the recruiter portal's
included, formats these values the same way without a ``{% load %}``.

Money: Indonesian rupiah is always written the Indonesian way, "Rp 40.000.000", in both
languages (how members read it on job ads and payslips); any other currency is its ISO code and
the page language's grouping ("USD 4,000" in English, "USD 4.000" in Indonesian).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def _group(amount: int, sep: str) -> str:
    return f"{amount:,}".replace(",", sep)


def format_money(amount: Any, currency: str = "IDR") -> str:
    """Return ``amount`` in ``currency`` as members read it ("Rp 40.000.000"); "" if empty."""
    if amount in (None, ""):
        return ""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    code = (currency or "IDR").upper()
    if code == "IDR":
        sign = "-" if value < 0 else ""
        return f"{sign}Rp {_group(int(abs(value)), '.')}"
    shown = number_format(int(value) if value == int(value) else value, force_grouping=True)
    return f"{code} {shown}"


@register.filter
def money(amount: Any, currency: str = "IDR") -> str:
    """``{{ job.salary_min|money:job.currency }}``."""
    return format_money(amount, currency)


def format_salary_range(low: Any, high: Any, currency: str = "IDR") -> str:
    """A monthly salary range in words: "Rp 30.000.000 – Rp 40.000.000 a month"."""
    if low and high:
        text = f"{format_money(low, currency)} – {format_money(high, currency)}"
    elif low:
        text = _("from %(amount)s") % {"amount": format_money(low, currency)}
    elif high:
        text = _("up to %(amount)s") % {"amount": format_money(high, currency)}
    else:
        return ""
    return _("%(range)s a month") % {"range": text}


@register.filter
def salary_range(job: Any) -> str:
    """``{{ job|salary_range }}`` for anything with salary_min, salary_max and currency."""
    return format_salary_range(
        getattr(job, "salary_min", None),
        getattr(job, "salary_max", None),
        getattr(job, "currency", "IDR"),
    )


def format_years(value: Any) -> str:
    """Years of experience, one way everywhere: "5 years", "1 year", "2.5 years" / "2,5 tahun"."""
    if value in (None, ""):
        value = 0
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        return str(value)
    if number == number.to_integral_value():
        shown = number_format(int(number))
        count = int(number)
    else:
        shown = number_format(number, decimal_pos=1)
        count = 2  # plural form for fractions in English ("1.5 years")
    return ngettext("%(n)s year", "%(n)s years", count) % {"n": shown}


@register.filter
def years(value: Any) -> str:
    """``{{ profile.years_experience|years }}``."""
    return format_years(value)
