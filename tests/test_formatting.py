"""One format site-wide: dates per language, money one way, years of experience one way, and
model labels (admin column headers, plural names) in the page's language."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.template import Context, Template
from django.utils import translation
from django.utils.functional import Promise

from config.formatting import format_money, format_salary_range, format_years
from config.model_labels import APPS

ROOT = Path(__file__).resolve().parents[1]
# Words Indonesian writes the same way (checked by hand against the catalogue).
SAME_IN_BOTH = {"id", "sha256", "json", "status", "alias", "slug"}


def render(source: str, language: str, **context: object) -> str:
    with translation.override(language):
        return Template(source).render(Context(context)).strip()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "29 September 2023"), ("id", "29 September 2023")],
)
def test_a_date_reads_the_same_way_on_every_page_of_a_language(language, expected):
    assert render("{{ d|date }}", language, d=dt.date(2023, 9, 29)) == expected


def test_indonesian_dates_use_indonesian_month_names_and_time():
    when = dt.datetime(2023, 3, 5, 14, 30, tzinfo=dt.UTC)
    assert render("{{ d|date }}", "id", d=when) == "5 Maret 2023"
    assert render("{{ d|time }}", "id", d=when) == "21.30"  # Asia/Jakarta
    assert render("{{ d|time }}", "en", d=when) == "21:30"


@pytest.mark.parametrize("language", ["en", "id"])
def test_rupiah_reads_the_indonesian_way_in_both_languages(language):
    with translation.override(language):
        assert format_money(40_000_000, "IDR") == "Rp 40.000.000"
        assert format_money(None, "IDR") == ""


def test_other_currencies_follow_the_page_language_grouping():
    with translation.override("en"):
        assert format_money(4000, "USD") == "USD 4,000"
    with translation.override("id"):
        assert format_money(4000, "USD") == "USD 4.000"


def test_a_salary_range_is_worded_per_language():
    with translation.override("en"):
        assert format_salary_range(30_000_000, 40_000_000, "IDR") == (
            "Rp 30.000.000 – Rp 40.000.000 a month"
        )
        assert format_salary_range(None, 40_000_000, "IDR") == "up to Rp 40.000.000 a month"
    with translation.override("id"):
        assert format_salary_range(30_000_000, None, "IDR") == "mulai Rp 30.000.000 per bulan"


def test_years_of_experience_read_one_way():
    with translation.override("en"):
        assert format_years(5) == "5 years"
        assert format_years(1) == "1 year"
        assert format_years("2.5") == "2.5 years"
        assert format_years(None) == "0 years"
    with translation.override("id"):
        assert format_years(5) == "5 tahun"
        assert format_years("2.5") == "2,5 tahun"


def test_templates_format_dates_without_a_format_argument():
    offenders = []
    for path in ROOT.glob("*/templates/**/*.html"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(".venv"):
            continue
        if re.search(r"\|date:", path.read_text(encoding="utf-8")):
            offenders.append(relative)
    for path in (ROOT / "templates").glob("**/*.html"):
        if re.search(r"\|date:", path.read_text(encoding="utf-8")):
            offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []


def test_every_model_label_and_plural_name_is_translated_into_indonesian():
    # given
    english = []
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            meta = model._meta
            labels = [meta.verbose_name, meta.verbose_name_plural]
            labels += [f.verbose_name for f in meta.get_fields() if getattr(f, "concrete", False)]
            for label in labels:
                # when
                if not isinstance(label, Promise):
                    english.append(f"{app}.{model.__name__}: {label} (not translatable)")
                    continue
                with translation.override("id"):
                    shown = str(label)
                with translation.override("en"):
                    original = str(label)
                if shown == original and original.lower() not in SAME_IN_BOTH:
                    english.append(f"{app}.{model.__name__}: {original}")
    # then
    assert english == [], english


def test_admin_column_headers_and_counts_are_indonesian(admin_client, member):
    # given
    from django.urls import reverse

    from consent.purposes import PurposeCode
    from consent.tests.factories import grant

    grant(member, PurposeCode.JOB_RECOMMENDATIONS)
    admin_client.cookies["django_language"] = "id"
    # when
    response = admin_client.get(reverse("admin:consent_consentstate_changelist"))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "Diperbarui pada" in body  # the updated_at column
    assert "Updated at" not in body
    assert "1 status persetujuan" in body
    assert "consent states" not in body.lower()


@pytest.mark.django_db
def test_objects_are_named_in_the_page_language(member):
    # given
    from careers import services

    employment = services.employment_add(
        user=member,
        employer_name="Tokopedia",
        title="Data Engineer",
        start_date=dt.date(2021, 1, 1),
        is_current=True,
    )
    # when
    with translation.override("id"):
        shown = str(employment)
    # then
    assert shown == "Data Engineer di Tokopedia"
