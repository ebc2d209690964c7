"""Candidate search: who may be found, by whom, with which filters, in which order."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from accounts.tests.factories import UserFactory
from careers.models import CandidateSearchIndex, CareerProfile, Employment, JobPreference
from careers.search_query import CandidateQuery
from careers.selectors.search import candidate_search
from careers.services.search_index import candidate_index_refresh
from careers.tests.factories import profile_with_skills
from consent.purposes import PurposeCode
from consent.services import consent_grant, consent_withdraw

pytestmark = pytest.mark.django_db


def make_candidate(
    *,
    skills: dict[str, int] | None = None,
    consent: bool = True,
    visibility: str = "recruiters",
    years: int = 3,
    city: str = "Jakarta",
    headline: str = "Backend Developer",
    hide: bool = False,
    current_employer: tuple[str, str] | None = None,
    past_employer: tuple[str, str] | None = None,
    remote: list[str] | None = None,
    name: str = "Candidate Person",
) -> CareerProfile:
    """Create a member with a profile, optionally consenting to discovery, and index them."""
    user = UserFactory(display_name=name)
    profile = profile_with_skills(
        user=user,
        skills=skills if skills is not None else {"Python": 4},
        visibility=visibility,
        location_city=city,
        headline=headline,
        hide_from_current_employer=hide,
        years_experience=years,
    )
    for employer, is_current in ((current_employer, True), (past_employer, False)):
        if employer:
            Employment.objects.create(
                profile=profile,
                employer_name=employer[0],
                employer_domain=employer[1],
                title="Engineer",
                start_date=dt.date(2019, 1, 1),
                end_date=None if is_current else dt.date(2020, 1, 1),
                is_current=is_current,
            )
    if remote is not None:
        JobPreference.objects.create(profile=profile, remote_modes=remote)
    if consent:
        consent_grant(user=user, purpose=PurposeCode.CANDIDATE_DISCOVERY, method="web")
    candidate_index_refresh(profile.pk)
    return profile


def found(employer: Any, **filters: Any) -> list[uuid.UUID]:
    page = candidate_search(employer=employer, query=CandidateQuery(**filters))
    return [card.public_id for card in page.cards]


def test_only_consenting_members_open_to_recruiters_are_found(employer_a):
    # given
    visible = make_candidate()
    everyone = make_candidate(visibility="everyone")
    no_consent = make_candidate(consent=False)
    private = make_candidate(visibility="private")
    # when
    ids = found(employer_a, skills=("Python",))
    # then
    assert set(ids) == {visible.public_id, everyone.public_id}
    assert no_consent.public_id not in ids and private.public_id not in ids


def test_withdrawing_discovery_consent_hides_the_member_at_once(employer_a):
    # given
    profile = make_candidate()
    assert found(employer_a) == [profile.public_id]
    # when: withdrawn, and the search row is NOT refreshed
    consent_withdraw(user=profile.user, purpose=PurposeCode.CANDIDATE_DISCOVERY, method="web")
    # then
    assert found(employer_a) == []


def test_private_visibility_hides_even_before_the_search_row_is_refreshed(employer_a):
    # given
    profile = make_candidate()
    # when
    CareerProfile.objects.filter(pk=profile.pk).update(visibility="private")
    # then
    assert found(employer_a) == []


def test_member_hiding_from_current_employer_is_hidden_from_it_by_domain(employer_a, employer_b):
    # given: works at employer A now (domain written with www.)
    profile = make_candidate(hide=True, current_employer=("Some Name", "www.employer-a.example"))
    # then
    assert found(employer_a) == []
    assert found(employer_b) == [profile.public_id]


def test_member_hiding_from_current_employer_is_hidden_from_it_by_name(employer_a, employer_b):
    # given: the employer's name in another case, no domain
    profile = make_candidate(hide=True, current_employer=("EMPLOYER a", ""))
    # then
    assert found(employer_a) == []
    assert found(employer_b) == [profile.public_id]


def test_hiding_covers_only_the_current_employer_and_only_when_asked(employer_a):
    # given
    past = make_candidate(hide=True, past_employer=("Employer A", "employer-a.example"))
    not_hiding = make_candidate(hide=False, current_employer=("Employer A", "employer-a.example"))
    # then
    assert set(found(employer_a)) == {past.public_id, not_hiding.public_id}


def test_skill_aliases_are_understood(employer_a):
    # given
    js = make_candidate(skills={"JavaScript": 4})
    k8s = make_candidate(skills={"Kubernetes": 3})
    make_candidate(skills={"Python": 5})
    # then
    assert found(employer_a, skills=("JS",)) == [js.public_id]
    assert found(employer_a, skills=("k8s",)) == [k8s.public_id]
    assert found(employer_a, skills=("postgres",)) == []


def test_all_of_needs_every_skill_and_any_of_needs_one(employer_a):
    # given
    both = make_candidate(skills={"Python": 3, "Django": 3})
    python_only = make_candidate(skills={"Python": 3})
    # then
    assert found(employer_a, skills=("Python", "Django"), match="all") == [both.public_id]
    assert set(found(employer_a, skills=("Python", "Django"), match="any")) == {
        both.public_id,
        python_only.public_id,
    }


def test_unknown_skill_with_all_of_finds_nobody_and_says_which(employer_a):
    # given
    make_candidate()
    # when
    page = candidate_search(
        employer=employer_a, query=CandidateQuery(skills=("Python", "Klingon Cooking"))
    )
    # then
    assert page.cards == []
    assert page.unknown_skills == ["Klingon Cooking"]


def test_min_years_location_and_remote_filters(employer_a):
    # given
    senior_remote = make_candidate(years=8, city="Bandung", remote=["remote", "hybrid"])
    make_candidate(years=2, city="Bandung", remote=["remote"])
    make_candidate(years=9, city="Jakarta", remote=["remote"])
    make_candidate(years=9, city="Bandung", remote=["onsite"])
    # then
    assert found(employer_a, min_years=5, location="  bandung ", remote="remote") == [
        senior_remote.public_id
    ]


def test_title_keywords_match_headline_and_employment_titles(employer_a):
    # given
    by_headline = make_candidate(headline="Senior Data Engineer")
    by_job = make_candidate(headline="Looking", current_employer=("X", "x.example"))
    # then
    assert found(employer_a, q="data engineer") == [by_headline.public_id]
    assert found(employer_a, q="engineer") != []
    assert by_job.public_id in found(employer_a, q="ENGINEER")


def test_verified_only_filter_and_badge(employer_a, monkeypatch):
    # given
    verified_user = UserFactory()
    monkeypatch.setattr(
        "careers.services.search_index.verification_dates",
        lambda ids: {u: dt.date(2026, 1, 2) for u in ids if u == verified_user.pk},
    )
    make_candidate()
    profile = profile_with_skills(user=verified_user, skills={"Python": 2})
    consent_grant(user=verified_user, purpose=PurposeCode.CANDIDATE_DISCOVERY, method="web")
    candidate_index_refresh(profile.pk)
    # when
    page = candidate_search(employer=employer_a, query=CandidateQuery(verified=True))
    # then
    assert [c.public_id for c in page.cards] == [profile.public_id]
    assert page.cards[0].verified_on == dt.date(2026, 1, 2)


def test_more_proficient_candidates_rank_first(employer_a):
    # given
    weak = make_candidate(skills={"Python": 1, "Django": 1}, years=20)
    strong = make_candidate(skills={"Python": 5, "Django": 4}, years=1)
    middle = make_candidate(skills={"Python": 3, "Django": 3}, years=5)
    # then
    assert found(employer_a, skills=("python", "django")) == [
        strong.public_id,
        middle.public_id,
        weak.public_id,
    ]


def test_pages_do_not_overlap_and_say_whether_more_follow(employer_a):
    # given
    profiles = [make_candidate(years=i) for i in range(5)]
    # when
    pages = [
        candidate_search(employer=employer_a, query=CandidateQuery(page=n), page_size=2)
        for n in (1, 2, 3)
    ]
    # then
    seen = [c.public_id for page in pages for c in page.cards]
    assert seen == [p.public_id for p in sorted(profiles, key=lambda p: -p.years_experience)]
    assert [page.has_next for page in pages] == [True, True, False]


def test_cards_show_limited_fields_with_matched_skills_first(employer_a):
    # given
    make_candidate(skills={"Python": 2, "Figma": 5}, name="Secret Name")
    # when
    card = candidate_search(employer=employer_a, query=CandidateQuery(skills=("Python",))).cards[0]
    # then
    assert [c.name for c in card.skills][:1] == ["Python"] and card.skills[0].matched
    assert not hasattr(card, "name") and not hasattr(card, "email")


def test_profile_services_refresh_the_search_row(member, django_capture_on_commit_callbacks):
    # given
    from careers.services.profiles import profile_update

    # when
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(user=member, headline="Nurse", visibility="everyone")
    # then
    row = CandidateSearchIndex.objects.get(profile__user=member)
    assert row.discoverable is True
    assert "t:nurse" in row.keys


def test_a_profile_turned_private_loses_its_postings_on_refresh(employer_a):
    # given
    from careers.models import CandidateSearchKey

    profile = make_candidate(skills={"Python": 3, "SQL": 2}, headline="Data Analyst")
    # two skills, two title words (any title and current title), lives in and would work in
    assert CandidateSearchKey.objects.filter(profile_id=profile.pk).count() == 8
    # when
    CareerProfile.objects.filter(pk=profile.pk).update(visibility="private")
    candidate_index_refresh(profile.pk)
    # then
    assert not CandidateSearchKey.objects.filter(profile_id=profile.pk).exists()
    assert CandidateSearchIndex.objects.get(profile=profile).discoverable is False


def test_any_of_with_a_required_keyword_needs_both(employer_a):
    # given
    wanted = make_candidate(skills={"SQL": 2}, headline="Marketing Manager")
    make_candidate(skills={"SQL": 5}, headline="Data Analyst")
    make_candidate(skills={"Figma": 5}, headline="Marketing Manager")
    # then
    assert found(employer_a, skills=("SQL", "Python"), match="any", q="marketing") == [
        wanted.public_id
    ]


def test_a_member_verified_by_the_biometrics_flow_appears_in_the_verified_only_search(
    employer_a, django_capture_on_commit_callbacks
):
    # given: a discoverable candidate who is not verified yet
    from accounts.tests.factories import PremiumFactory
    from biometrics.services import verification_submit
    from biometrics.tests.factories import grant_biometric_consent, submission

    profile = make_candidate(skills={"Python": 4})
    PremiumFactory(user=profile.user)
    grant_biometric_consent(profile.user)
    assert found(employer_a, verified=True) == []
    # when: the member verifies (the task runs in-process on commit)
    with django_capture_on_commit_callbacks(execute=True):
        verification_submit(user=profile.user, **submission())
    # then: the badge reaches the search index without any profile edit
    assert found(employer_a, verified=True) == [profile.public_id]
