"""Candidate search: result count, pages, sort orders, lives in / willing to work in, education,
current title, last active, and saved searches read as sentences."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from careers.models import CareerProfile, Education, Employment, JobPreference, SavedSearch
from careers.search_query import CandidateQuery
from careers.search_terms import education_level
from careers.search_text import query_sentence
from careers.selectors.search import candidate_search
from careers.services.search_index import candidate_index_refresh
from careers.tests.test_search import found, make_candidate
from consent.purposes import PurposeCode
from consent.services import consent_withdraw

pytestmark = pytest.mark.django_db

CANDIDATES = reverse("api:recruiter-candidates")


def _set_active(profile: CareerProfile, days_ago: int) -> None:
    moment = timezone.now() - dt.timedelta(days=days_ago)
    CareerProfile.objects.filter(pk=profile.pk).update(updated_at=moment)
    type(profile.user).objects.filter(pk=profile.user_id).update(last_login=None)
    candidate_index_refresh(profile.pk)


def test_lives_in_and_willing_to_work_in_are_different_filters(employer_a):
    # given: one lives in Bandung and wants Jakarta, one lives in Jakarta
    commuter = make_candidate(city="Bandung")
    JobPreference.objects.create(profile=commuter, locations=["Jakarta"])
    candidate_index_refresh(commuter.pk)
    local = make_candidate(city="Jakarta")
    # then
    assert found(employer_a, location="jakarta") == [local.public_id]
    assert set(found(employer_a, work_location="Jakarta")) == {local.public_id, commuter.public_id}
    assert found(employer_a, work_location="Bandung") == [commuter.public_id]


def test_count_and_pages_cover_only_members_the_employer_may_see(employer_a):
    # given: 23 visible, one who withdrew (stale search row), one hiding from this employer
    for _ in range(23):
        make_candidate(skills={"Python": 3})
    gone = make_candidate(skills={"Python": 5})
    consent_withdraw(user=gone.user, purpose=PurposeCode.CANDIDATE_DISCOVERY, method="web")
    make_candidate(
        skills={"Python": 5}, hide=True, current_employer=(employer_a.name, employer_a.domain)
    )
    # when
    first = candidate_search(employer=employer_a, query=CandidateQuery(skills=("python",)))
    second = candidate_search(
        employer=employer_a, query=CandidateQuery(skills=("python",), page=2), page_size=20
    )
    # then
    assert (first.total, first.total_capped, first.pages) == (23, False, 2)
    assert len(first.cards) == 20 and first.has_next
    assert len(second.cards) == 3 and not second.has_next
    assert not {c.public_id for c in first.cards} & {c.public_id for c in second.cards}
    assert first.page_numbers() == [1, 2]


def test_page_numbers_leave_gaps_far_from_the_current_page():
    from careers.selectors.search import CandidatePage

    page = CandidatePage(cards=[], page=10, page_size=20, has_next=True, total=1000)
    assert page.pages == 50
    assert page.page_numbers() == [1, None, 8, 9, 10, 11, 12, None, 50]
    # beyond the exact count (200): one page past this one while there is a next page
    deep = CandidatePage(
        cards=[], page=14, page_size=20, has_next=True, total=200, total_capped=True
    )
    assert deep.pages == 15
    assert deep.page_numbers() == [1, None, 12, 13, 14, 15]


def test_sort_by_years_and_by_recent_activity(employer_a):
    # given
    junior = make_candidate(years=2, skills={"Python": 5})
    senior = make_candidate(years=12, skills={"Python": 2})
    middle = make_candidate(years=6, skills={"Python": 3})
    _set_active(junior, 1)
    _set_active(senior, 200)
    _set_active(middle, 40)
    # then: relevance puts the strongest Python first; the other orders differ
    assert found(employer_a, skills=("python",))[0] == junior.public_id
    assert found(employer_a, skills=("python",), sort="years") == [
        senior.public_id,
        middle.public_id,
        junior.public_id,
    ]
    assert found(employer_a, sort="recent") == [
        junior.public_id,
        middle.public_id,
        senior.public_id,
    ]
    assert found(employer_a, sort="years", location="Jakarta")[0] == senior.public_id
    # and "last active within N days"
    assert found(employer_a, active_days=30) == [junior.public_id]
    assert set(found(employer_a, skills=("python",), active_days=90)) == {
        junior.public_id,
        middle.public_id,
    }


def test_education_level_and_field_of_study(employer_a):
    # given
    graduate = make_candidate()
    Education.objects.create(profile=graduate, institution="ITB", degree="S1", field="Informatika")
    candidate_index_refresh(graduate.pk)
    school = make_candidate()
    Education.objects.create(profile=school, institution="SMA 3", degree="SMA", field="IPA")
    candidate_index_refresh(school.pk)
    # then: "bachelor or higher" and "secondary or higher"
    assert found(employer_a, education=3) == [graduate.public_id]
    assert set(found(employer_a, education=1)) == {graduate.public_id, school.public_id}
    assert found(employer_a, field_of_study="informatika") == [graduate.public_id]
    assert found(employer_a, education=4) == []


@pytest.mark.parametrize(
    ("degree", "level"),
    [
        ("S1 Teknik Informatika", 3),
        ("Bachelor of Science", 3),
        ("MBA", 4),
        ("Magister Manajemen", 4),
        ("D3 Akuntansi", 2),
        ("SMK Negeri 1", 1),
        ("MA Negeri 2", 1),
        ("PhD", 5),
        ("Kursus bahasa", None),
        ("St Louis", None),
    ],
)
def test_degree_texts_are_read_as_levels(degree, level):
    assert education_level(degree) == level


def test_current_title_excludes_a_title_held_only_in_the_past(employer_a):
    # given: a former nurse now working as a barista
    profile = make_candidate(headline="Barista")
    Employment.objects.create(
        profile=profile,
        employer_name="RS Sehat",
        title="Nurse",
        start_date=dt.date(2015, 1, 1),
        end_date=dt.date(2018, 1, 1),
    )
    candidate_index_refresh(profile.pk)
    # then
    assert found(employer_a, q="nurse") == [profile.public_id]
    assert found(employer_a, q="nurse", title_scope="current") == []
    assert found(employer_a, q="barista", title_scope="current") == [profile.public_id]


def test_saved_searches_read_as_sentences_in_the_page_language():
    query = CandidateQuery(
        skills=("Python", "SQL"), match="all", min_years=3, location="Jakarta", verified=True
    )
    with translation.override("en"):
        assert query_sentence(query) == "Python and SQL, 3+ years, lives in Jakarta, ID verified"
    with translation.override("id"):
        sentence = query_sentence(query)
    assert sentence.startswith("Python dan SQL, 3+ tahun")
    assert "tinggal di Jakarta" in sentence
    with translation.override("en"):
        assert query_sentence(CandidateQuery(skills=("Go", "Java"), match="any")) == "Go or Java"


def test_portal_shows_the_count_pages_sort_and_saved_search_sentences(
    client, recruiter_a, employer_a
):
    # given
    for years in range(22):
        make_candidate(years=years)
    SavedSearch.objects.create(
        employer=employer_a,
        name="Jakarta devs",
        params={"location": "Jakarta", "min_years": 3},
    )
    client.force_login(recruiter_a)
    # when
    page = client.get(reverse("careers:recruiter-candidates"), {"sort": "years"})
    saved = client.get(reverse("careers:recruiter-searches"))
    # then
    text = page.content.decode()
    assert "22 candidates" in text
    assert 'aria-current="page"' in text and "page=2" in text
    # sorted by years: the most experienced card comes before the least experienced one
    assert text.index("· 21 years of experience") < text.index("· 2 years of experience")
    assert "Lives in Jakarta, 3+ years" not in saved.content.decode()
    assert "3+ years, lives in Jakarta" in saved.content.decode()
    assert "min_years:" not in saved.content.decode()


def test_api_returns_count_pages_and_sort(api_as, recruiter_a):
    # given
    for years in (1, 9, 4):
        make_candidate(years=years)
    # when
    body = api_as(recruiter_a).get(CANDIDATES, {"sort": "years"}).json()
    # then
    assert (body["count"], body["count_capped"], body["pages"], body["sort"]) == (
        3,
        False,
        1,
        "years",
    )
    assert [r["years_experience"] for r in body["results"]] == [9, 4, 1]
    assert all(r["active_on"] for r in body["results"])


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "salary"},
        {"education": "7"},
        {"active_days": "3"},
        {"title_scope": "past"},
        {"work_location": "x" * 101},
    ],
)
def test_bad_new_filters_get_400_naming_the_field(api_as, recruiter_a, params: dict[str, Any]):
    response = api_as(recruiter_a).get(CANDIDATES, params)
    assert response.status_code == 400
    assert next(iter(params)) in response.json()["error"]["fields"]


def test_saved_search_in_the_api_carries_its_sentence(api_as, recruiter_a):
    client = api_as(recruiter_a)
    created = client.post(
        reverse("api:recruiter-searches"),
        {"name": "Nurses", "params": {"q": "nurse", "work_location": "Bandung"}},
        format="json",
    )
    assert created.status_code == 201, created.content
    listed = client.get(reverse("api:recruiter-searches")).json()["results"]
    assert listed[0]["description"] == "Title “nurse”, willing to work in Bandung"


def test_experience_reads_the_same_on_the_card_and_the_profile(client, recruiter_a, employer_a):
    # given a member with 5.7 years
    profile = make_candidate(years=5)
    CareerProfile.objects.filter(pk=profile.pk).update(years_experience="5.7")
    candidate_index_refresh(profile.pk)
    client.force_login(recruiter_a)
    # when
    cards = client.get(reverse("careers:recruiter-candidates")).content.decode()
    page = client.get(reverse("careers:recruiter-candidate", args=[profile.public_id]))
    # then
    assert "5 years of experience" in cards
    assert "5 years of experience" in page.content.decode()
    assert "5.7" not in page.content.decode()
