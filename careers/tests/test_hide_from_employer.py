"""Issue 11, item 5: "hide me from my current employer" holds however the employer is typed.

The probe saved the employer website as ``https://acme.co.id/`` or the name as
``Acme   Indonesia``: Acme's recruiter then found the member and opened his full profile. Both
sides are now normalised by one function (``accounts.employer_keys``), the member may pick the
registered employer (stored as a foreign key), the page names every employer hidden from, and
the rule holds on every path: the ranked search (ORM walk, one key, the multi-key SQL join),
the candidate profile, in the API and the portal, and for any employer sharing a recruiter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse

from accounts.services import employer_create
from accounts.tests.factories import EmployerMembershipFactory, UserFactory
from careers import services
from careers.search_query import CandidateQuery
from careers.selectors.recruiters import candidate_get_for_recruiter
from careers.selectors.search import candidate_search
from careers.tests.test_search import make_candidate
from consent.purposes import PurposeCode
from consent.services import consent_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(db):
    owner = UserFactory(email="owner@acme.test")
    return employer_create(name="PT Acme Indonesia Tbk", domain="acme.co.id", owner=owner)


@pytest.fixture
def acme_recruiter(acme):
    user = UserFactory(email="recruiter@acme.test")
    EmployerMembershipFactory(employer=acme, user=user)
    return user


def hiding_member(*, name: str = "Acme Indonesia", domain: str = "", **extra: Any) -> Any:
    """A discoverable member, hiding from the current employer typed as given (via the service)."""
    profile = make_candidate(skills={"Python": 4, "Django": 3}, hide=True)
    services.employment_add(
        user=profile.user,
        employer_name=name,
        employer_domain=domain,
        title="Backend Engineer",
        start_date=dt.date(2020, 1, 1),
        is_current=True,
        **extra,
    )
    return profile


def ids(employer: Any, **filters: Any) -> list[Any]:
    page = candidate_search(employer=employer, query=CandidateQuery(**filters))
    return [card.public_id for card in page.cards]


# --- one normalisation on both sides -----------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "acme.co.id",
        "https://acme.co.id/",
        "http://www.ACME.co.id/careers?ref=1#top",
        "  WWW.Acme.Co.Id.  ",
        "acme.co.id:443",
        "https://user@acme.co.id/",
        "hr@acme.co.id",
    ],
)
def test_every_way_of_typing_a_website_gives_the_same_domain(typed):
    from accounts.employer_keys import domain_key

    assert domain_key(typed) == "acme.co.id"


@pytest.mark.parametrize(
    "typed",
    [
        "Acme Indonesia",
        "Acme   Indonesia",
        "  acme\tINDONESIA ",
        "PT Acme Indonesia",
        "PT. Acme Indonesia Tbk.",
        "P.T. ACME INDONESIA, Tbk",
        "CV Acme Indonesia",
        "Acme Indonesia (Persero)",
        "PT Acme Indonesia (Persero) Tbk",
        "Ácme Indonesia",
    ],
)
def test_every_way_of_writing_an_employer_name_gives_the_same_key(typed):
    from accounts.employer_keys import employer_name_key

    assert employer_name_key(typed) == "acme indonesia"


def test_a_name_that_is_only_a_legal_form_keeps_its_words():
    from accounts.employer_keys import employer_name_key

    assert employer_name_key("PT") == "pt"
    assert employer_name_key("") == ""


# --- the probe's bypasses, and their siblings --------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        {"domain": "https://acme.co.id/"},
        {"domain": "https://www.acme.co.id/karir"},
        {"domain": "careers.acme.co.id"},
        {"name": "Acme   Indonesia"},
        {"name": "PT. ACME INDONESIA"},
        {"name": "acme indonesia tbk"},
    ],
)
def test_acme_cannot_find_or_open_a_member_hiding_from_it_however_acme_is_typed(
    typed, acme, acme_recruiter, employer_b, api_as, client
):
    # given: the employer typed another way (the name is someone else's when only the
    # domain is being tried)
    profile = hiding_member(
        name=typed.get("name", "Another Employer"), domain=typed.get("domain", "")
    )
    detail_api = reverse("api:recruiter-candidate", args=[profile.public_id])
    detail_page = reverse("careers:recruiter-candidate", args=[profile.public_id])
    client.force_login(acme_recruiter)
    # when / then: every search path, the API and the portal
    assert ids(acme) == []  # no filter: the ORM walk of the rank index
    assert ids(acme, skills=("Python",)) == []  # one key
    assert ids(acme, skills=("Python", "Django")) == []  # several keys: the SQL join
    assert ids(acme, skills=("Python", "Django"), match="any") == []
    assert api_as(acme_recruiter).get(reverse("api:recruiter-candidates")).json()["results"] == []
    assert api_as(acme_recruiter).get(detail_api).status_code == 404
    assert client.get(detail_page).status_code == 404
    assert (
        str(profile.public_id)
        not in client.get(
            reverse("careers:recruiter-candidates"), {"skills": "python"}
        ).content.decode()
    )
    # and another employer still finds him
    assert ids(employer_b, skills=("Python", "Django")) == [profile.public_id]


def test_the_member_picks_the_registered_employer_and_the_link_is_its_id(acme, acme_recruiter):
    # given: a name and website that match nothing, but Acme picked from the list
    profile = hiding_member(name="My first job", domain="", employer_id=str(acme.pk))
    # when
    employment = profile.employments.get()
    # then
    assert employment.employer_id == acme.pk
    assert ids(acme) == []
    with pytest.raises(Http404):
        candidate_get_for_recruiter(user=acme_recruiter, employer=acme, public_id=profile.public_id)


def test_an_employer_that_shares_a_recruiter_with_acme_cannot_find_him_either(
    acme, acme_recruiter, employer_b
):
    # given: Acme's recruiter registers another employer and searches as that one
    shell = employer_create(
        name="Shell Talent", domain="shell-talent.example", owner=acme_recruiter
    )
    profile = hiding_member(domain="acme.co.id")
    # then
    assert ids(shell, skills=("Python", "Django")) == []
    assert ids(employer_b, skills=("Python", "Django")) == [profile.public_id]


def test_a_member_not_hiding_is_found_by_the_current_employer(acme):
    # given
    profile = make_candidate(skills={"Python": 4}, hide=False)
    services.employment_add(
        user=profile.user,
        employer_name="PT Acme Indonesia",
        employer_domain="https://acme.co.id/",
        title="Engineer",
        start_date=dt.date(2020, 1, 1),
        is_current=True,
    )
    # then
    assert ids(acme) == [profile.public_id]


# --- picking the employer, and the page saying who is hidden from -------------------------------


def test_the_employment_form_offers_the_registered_employers_and_saves_the_pick(
    client, member, acme
):
    # given
    client.force_login(member)
    page = client.get(reverse("careers:employment_add")).content.decode()
    assert "PT Acme Indonesia Tbk" in page
    # when
    client.post(
        reverse("careers:employment_add"),
        {
            "employment-employer": str(acme.pk),
            "employment-employer_name": "",
            "employment-title": "Engineer",
            "employment-start_date": "2021-02-01",
            "employment-is_current": "on",
        },
    )
    # then
    employment = member.career_profile.employments.get()
    assert employment.employer_id == acme.pk
    assert employment.employer_name == "PT Acme Indonesia Tbk"


def test_the_profile_page_names_exactly_the_employers_hidden_from(client, acme, acme_recruiter):
    # given: typed with a scheme; plus an employer sharing Acme's recruiter
    employer_create(name="Shell Talent", domain="shell-talent.example", owner=acme_recruiter)
    profile = hiding_member(name="Somewhere", domain="https://acme.co.id/")
    client.force_login(profile.user)
    # when
    page = client.get(reverse("careers:profile")).content.decode()
    # then
    assert "Hidden from" in page
    assert "PT Acme Indonesia Tbk" in page and "Shell Talent" in page
    assert "Employer B" not in page


def test_the_profile_page_says_when_hiding_matches_no_registered_employer(client, member):
    # given
    consent_grant(user=member, purpose=PurposeCode.CANDIDATE_DISCOVERY, method="web")
    services.profile_update(user=member, visibility="recruiters", hide_from_current_employer=True)
    services.employment_add(
        user=member,
        employer_name="Warung Kopi Bu Sri",
        title="Barista",
        start_date=dt.date(2020, 1, 1),
        is_current=True,
    )
    client.force_login(member)
    # when
    page = client.get(reverse("careers:profile")).content.decode()
    # then
    assert "No registered employer matches your current job" in page


def test_the_api_accepts_a_registered_employer_and_reports_who_is_hidden_from(api_as, member, acme):
    # given
    body = {
        "hide_from_current_employer": True,
        "employment": [
            {
                "employer_name": "",
                "employer_id": str(acme.pk),
                "title": "Engineer",
                "start_date": "2021-01-01",
                "is_current": True,
            }
        ],
    }
    # when
    response = api_as(member).put("/api/v1/me/profile/", body, format="json")
    # then
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["employment"][0]["employer_id"] == str(acme.pk)
    assert data["employment"][0]["employer_name"] == "PT Acme Indonesia Tbk"
    assert [e["name"] for e in data["hidden_from_employers"]] == ["PT Acme Indonesia Tbk"]


def test_the_api_refuses_an_employer_id_that_is_not_registered(api_as, member):
    # given
    import uuid

    body = {
        "employment": [
            {
                "employer_name": "X",
                "employer_id": str(uuid.uuid4()),
                "title": "Engineer",
                "start_date": "2021-01-01",
            }
        ]
    }
    # when
    response = api_as(member).put("/api/v1/me/profile/", body, format="json")
    # then
    assert response.status_code == 400
    assert "employment[0].employer_id" in response.json()["error"]["fields"]


def test_members_list_the_registered_employers_to_pick_from(api_as, member, acme):
    # when
    response = api_as(member).get("/api/v1/employers/", {"q": "acme"})
    # then
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"id": str(acme.pk), "name": "PT Acme Indonesia Tbk", "domain": "acme.co.id"}
    ]
