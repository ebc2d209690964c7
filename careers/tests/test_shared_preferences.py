"""Open to relocation and a salary expectation band: off by default, set by the member, and found
or shown in candidate search only while the member shares them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from careers import services
from careers.models import JobPreference
from careers.search_query import CandidateQuery
from careers.search_text import query_sentence
from careers.selectors.search import candidate_search
from careers.services.search_index import candidate_index_refresh
from careers.tests.test_search import found, make_candidate
from consent.registry import export_handlers

pytestmark = pytest.mark.django_db

CANDIDATES = reverse("api:recruiter-candidates")


def _prefer(profile: Any, **fields: Any) -> None:
    JobPreference.objects.update_or_create(profile=profile, defaults=fields)
    candidate_index_refresh(profile.pk)


def _card(employer: Any, profile: Any) -> Any:
    page = candidate_search(employer=employer, query=CandidateQuery())
    return next(c for c in page.cards if c.public_id == profile.public_id)


def test_preferences_are_unshared_until_the_member_turns_them_on(member):
    # when: preferences saved without the new choices
    preference = services.preference_update(user=member, titles=["Nurse"], min_salary=9_000_000)
    # then
    assert (preference.open_to_relocation, preference.share_salary) == (False, False)


def test_only_a_member_open_to_relocation_is_found_and_labelled_so(employer_a):
    # given
    mover = make_candidate(headline="Mover")
    _prefer(mover, open_to_relocation=True)
    stayer = make_candidate(headline="Stayer")
    _prefer(stayer, open_to_relocation=False, locations=["Jakarta"])
    # then
    assert found(employer_a, relocation=True) == [mover.public_id]
    assert _card(employer_a, mover).shared == ["Open to relocation"]
    assert _card(employer_a, stayer).shared == []


def test_an_unshared_salary_expectation_never_matches_or_shows(employer_a):
    # given: the same expectation (IDR 15 million), shared by one member only
    sharer = make_candidate(headline="Sharer")
    _prefer(sharer, min_salary=15_000_000, currency="IDR", share_salary=True)
    private = make_candidate(headline="Private")
    _prefer(private, min_salary=15_000_000, currency="IDR", share_salary=False)
    # then: found by its band (10-20 million) only, and nobody by another band
    assert found(employer_a, salary_band=3) == [sharer.public_id]
    assert found(employer_a, salary_band=2) == []
    assert [found(employer_a, salary_band=band) for band in (1, 4, 5)] == [[], [], []]
    assert _card(employer_a, sharer).shared == ["Expects IDR 10-20 million a month"]
    assert _card(employer_a, private).shared == []


def test_turning_sharing_off_takes_the_member_out_of_the_filter_at_once(employer_a):
    # given
    profile = make_candidate()
    _prefer(profile, min_salary=25_000_000, share_salary=True, open_to_relocation=True)
    assert found(employer_a, salary_band=4, relocation=True) == [profile.public_id]
    # when: the member turns both off through the service (it refreshes the row on commit)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, **kw: fn())
        services.preference_update(user=profile.user, min_salary=25_000_000)
    # then
    assert found(employer_a, salary_band=4) == []
    assert found(employer_a, relocation=True) == []
    assert _card(employer_a, profile).shared == []


def test_a_salary_in_another_currency_has_no_band(employer_a):
    profile = make_candidate()
    _prefer(profile, min_salary=15_000_000, currency="USD", share_salary=True)
    assert [found(employer_a, salary_band=band) for band in (1, 2, 3, 4, 5)] == [[]] * 5


def test_the_api_filters_and_shows_shared_preferences_and_rejects_a_bad_band(api_as, recruiter_a):
    # given
    sharer = make_candidate()
    _prefer(sharer, min_salary=6_000_000, share_salary=True, open_to_relocation=True)
    make_candidate()
    client = api_as(recruiter_a)
    # when
    both = client.get(CANDIDATES, {"relocation": "true", "salary_band": "2"})
    bad = client.get(CANDIDATES, {"salary_band": "9"})
    # then
    assert both.status_code == 200
    assert [r["id"] for r in both.json()["results"]] == [str(sharer.public_id)]
    assert both.json()["results"][0]["shared"] == [
        "Open to relocation",
        "Expects IDR 5-10 million a month",
    ]
    assert bad.status_code == 400 and "salary_band" in bad.json()["error"]["fields"]


def test_the_openapi_schema_lists_the_declared_filters(client):
    schema = client.get(reverse("schema")).content.decode()
    assert "name: relocation" in schema and "name: salary_band" in schema


def test_saved_searches_word_the_new_filters_in_both_languages():
    query = CandidateQuery(relocation=True, salary_band=3)
    assert query_sentence(query) == "Open to relocation, expects IDR 10-20 million a month"
    with translation.override("id"):
        assert query_sentence(query) == (
            "Bersedia pindah domisili, mengharapkan IDR 10-20 juta per bulan"
        )


def test_member_sets_the_choices_on_the_profile_page_the_api_and_the_export(client, api_as, member):
    # when: the profile page
    client.force_login(member)
    client.post(
        reverse("careers:preferences"),
        {
            "preference-currency": "IDR",
            "preference-min_salary": "12000000",
            "preference-share_salary": "on",
            "preference-open_to_relocation": "on",
        },
    )
    # then
    body = api_as(member).get(reverse("api:careers-profile")).json()
    assert body["preferences"]["share_salary"] is True
    assert body["preferences"]["open_to_relocation"] is True
    exported = export_handlers()["careers"](member)["profile"]["preferences"]
    assert (exported["share_salary"], exported["open_to_relocation"]) == (True, True)
    # when: the API turns relocation off
    response = api_as(member).put(
        reverse("api:careers-profile"),
        {"preferences": {"min_salary": 12_000_000, "share_salary": True}},
        format="json",
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json()["preferences"]["open_to_relocation"] is False


def test_a_found_profile_never_shows_the_amount_only_a_shared_band(api_as, recruiter_a):
    # given: two discoverable members expecting IDR 15 million, one sharing it
    sharer = make_candidate()
    _prefer(sharer, min_salary=15_000_000, share_salary=True)
    private = make_candidate()
    _prefer(private, min_salary=15_000_000, share_salary=False)
    client = api_as(recruiter_a)
    # when
    shared = client.get(reverse("api:recruiter-candidate", args=[sharer.public_id])).json()
    hidden = client.get(reverse("api:recruiter-candidate", args=[private.public_id])).json()
    # then
    assert shared["profile"]["preferences"]["min_salary"] is None
    assert shared["profile"]["preferences"]["salary_band"] == "IDR 10-20 million"
    assert hidden["profile"]["preferences"]["min_salary"] is None
    assert hidden["profile"]["preferences"]["salary_band"] is None
