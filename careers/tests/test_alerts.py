"""Saved-search alerts: a daily digest of new matching candidates, under the rules of search."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from careers.search_query import CandidateQuery
from careers.services.alerts import saved_search_alerts_send, saved_search_set_alert
from careers.services.saved_searches import saved_search_create
from careers.tasks import saved_search_alerts_task
from careers.tests.test_search import make_candidate
from consent.purposes import PurposeCode
from consent.services import consent_withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerting(employer_a, recruiter_a):
    saved = saved_search_create(
        employer=employer_a,
        actor=recruiter_a,
        name="Nurses in Bandung",
        query=CandidateQuery(skills=("Nursing",), location="Bandung"),
    )
    return saved_search_set_alert(employer=employer_a, saved_search_id=saved.pk, alert=True)


def test_the_digest_lists_new_matches_once_and_respects_search_rules(alerting, employer_a):
    # given: a match, a match hiding from this employer, a match who withdrew, a non-match
    match = make_candidate(skills={"Nursing": 4}, city="Bandung", headline="ICU Nurse")
    make_candidate(
        skills={"Nursing": 5},
        city="Bandung",
        headline="Hidden Nurse",
        hide=True,
        current_employer=(employer_a.name, employer_a.domain),
    )
    gone = make_candidate(skills={"Nursing": 5}, city="Bandung", headline="Gone Nurse")
    consent_withdraw(user=gone.user, purpose=PurposeCode.CANDIDATE_DISCOVERY, method="web")
    make_candidate(skills={"Nursing": 5}, city="Jakarta", headline="Jakarta Nurse")
    # when
    sent = saved_search_alerts_task()
    # then
    assert sent == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["recruiter-a@example.test"]
    assert "Nurses in Bandung" in message.subject
    assert "ICU Nurse" in message.body and str(match.public_id) in message.body
    assert "Nursing, lives in Bandung" in message.body
    for absent in ("Hidden Nurse", "Gone Nurse", "Jakarta Nurse", match.user.email):
        assert absent not in message.body
    # when run again with nothing new: no e-mail; a new match: only the new one
    assert saved_search_alerts_send() == 0
    make_candidate(skills={"Nursing": 2}, city="Bandung", headline="New Nurse")
    assert saved_search_alerts_send() == 1
    assert "New Nurse" in mail.outbox[1].body and "ICU Nurse" not in mail.outbox[1].body


def test_no_digest_once_the_recruiter_left_or_the_alert_is_off(
    alerting, employer_a, recruiter_a, client
):
    make_candidate(skills={"Nursing": 4}, city="Bandung")
    client.force_login(recruiter_a)
    client.post(reverse("careers:recruiter-search-alert", args=[alerting.pk]), {})
    assert saved_search_alerts_send() == 0
    client.post(reverse("careers:recruiter-search-alert", args=[alerting.pk]), {"alert": "on"})
    recruiter_a.employer_memberships.all().delete()
    assert saved_search_alerts_send() == 0
    assert mail.outbox == []


def test_api_turns_an_alert_on_and_another_employers_search_is_404(
    employer_a, recruiter_a, recruiter_b, api_as
):
    saved = saved_search_create(
        employer=employer_a, actor=recruiter_a, name="Any", query=CandidateQuery()
    )
    url = reverse("api:recruiter-search", args=[saved.pk])
    assert api_as(recruiter_a).patch(url, {"alert": True}, format="json").json()["alert"] is True
    assert api_as(recruiter_b).patch(url, {"alert": False}, format="json").status_code == 404
    assert api_as(recruiter_a).patch(url, {"alert": "x"}, format="json").status_code == 400
