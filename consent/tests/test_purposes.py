"""Each purpose is declared once (consent.purposes); the database and receipts follow it."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from consent.models import Purpose
from consent.purposes import PURPOSES, PurposeCode, purpose_declared, purposes_sync


def test_every_purpose_code_is_declared_once():
    # when
    declared = [declaration.code for declaration in PURPOSES]
    # then
    assert sorted(declared) == sorted(PurposeCode)


@pytest.mark.django_db
def test_the_migrated_purpose_rows_are_their_declarations():
    # when
    rows = {purpose.code: model_to_dict(purpose) for purpose in Purpose.objects.all()}
    # then
    assert rows == {d.code.value: d.row() for d in PURPOSES}


@pytest.mark.django_db
def test_syncing_restores_a_changed_row_and_adds_nothing_else():
    # given
    Purpose.objects.filter(code="job_recommendations").update(
        retention="edited by hand", ordering=9
    )
    # when
    purposes_sync(Purpose)
    # then
    row = Purpose.objects.get(code="job_recommendations")
    declared = purpose_declared("job_recommendations")
    assert declared is not None
    assert (row.retention, row.ordering) == (declared.retention, declared.ordering)
    assert Purpose.objects.count() == len(PURPOSES)
