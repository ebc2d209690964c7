"""Hardening fixtures: a populated world for the whole cast, drawn bad images, storage listing.

The world holds one object of every kind a route can address, owned by different people, so
the permission matrix can try each object route with the owner's id, someone else's id and a
random id.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import User

ROLES = (
    "anonymous",
    "member",
    "other_member",
    "premium",
    "recruiter_a",
    "recruiter_b",
    "owner_a",
    "reviewer",
    "superuser",
)


def private_root() -> Path:
    return Path(storages["private"].location)


def private_files() -> list[Path]:
    """Every file in the private storage (the encrypted biometric files live here)."""
    root = private_root()
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture(autouse=True)
def _clean_private_storage():
    """Start and end every test with an empty private storage and gallery.

    Files are written outside the test transaction, so rolled-back tests would leave them.
    """
    from biometrics.gallery import gallery_reset

    gallery_reset()
    shutil.rmtree(private_root() / "biometrics", ignore_errors=True)
    yield
    gallery_reset()
    shutil.rmtree(private_root() / "biometrics", ignore_errors=True)


@dataclass
class World:
    """The cast and the objects they own (ids are what the matrix puts into URLs)."""

    users: dict[str, User | None]
    objects: dict[str, Any] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        """A browser-like client signed in as ``role`` (token header added for /api/)."""
        client = Client()
        user = self.users[role]
        if user is not None:
            client.force_login(user)
        return client

    def api_headers(self, role: str) -> dict[str, str]:
        """The Authorization header of one API token per role (issued on first use)."""
        from accounts.services import api_token_issue

        user = self.users[role]
        if user is None:
            return {}
        if role not in self.keys:
            self.keys[role] = api_token_issue(user=user, name=role)[1]
        return {"HTTP_AUTHORIZATION": f"Token {self.keys[role]}"}


def grant(user: Any, *purposes: str) -> None:
    from consent.purposes import PurposeCode
    from consent.services import consent_grant

    for purpose in purposes:
        signature = user.display_name if purpose == PurposeCode.BIOMETRIC_VERIFICATION else ""
        consent_grant(user=user, purpose=purpose, method="web", signature=signature)


@pytest.fixture
def world(
    member,
    other_member,
    premium_member,
    employer_a,
    employer_b,
    owner_a,
    recruiter_a,
    recruiter_b,
    reviewer,
    admin_user,
    django_capture_on_commit_callbacks,
) -> World:
    """Every role, and one object of each addressable kind owned by a known role."""
    from biometrics import services as biometric_services
    from biometrics.tests.factories import submission
    from careers import services as careers_services
    from careers.search_query import CandidateQuery
    from careers.services.saved_searches import saved_search_create
    from careers.services.search_index import candidate_index_refresh
    from careers.tests.factories import job_with_skills, profile_with_skills
    from consent.models import ConsentEvent
    from consent.purposes import PurposeCode

    users: dict[str, User | None] = {
        "anonymous": None,
        "member": member,
        "other_member": other_member,
        "premium": premium_member,
        "recruiter_a": recruiter_a,
        "recruiter_b": recruiter_b,
        "owner_a": owner_a,
        "reviewer": reviewer,
        "superuser": admin_user,
    }
    w = World(users=users)
    # member: discoverable, shares profiles, recommendations on; applied to employer A's job.
    grant(
        member,
        PurposeCode.CANDIDATE_DISCOVERY,
        PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS,
        PurposeCode.JOB_RECOMMENDATIONS,
    )
    member_profile = profile_with_skills(
        user=member, skills={"Python": 4, "Django": 3}, summary="Builds payment systems."
    )
    # other_member: a profile nobody may discover (no discovery consent, private).
    grant(other_member, PurposeCode.JOB_RECOMMENDATIONS, PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS)
    other_profile = profile_with_skills(
        user=other_member, skills={"Python": 5}, visibility="private"
    )
    w.objects["member_profile"] = member_profile
    w.objects["other_profile"] = other_profile
    for profile in (member_profile, other_profile):
        candidate_index_refresh(profile.pk)

    for role, user in (("member", member), ("other_member", other_member)):
        w.objects[f"{role}_employment"] = careers_services.employment_add(
            user=user,
            employer_name="Bank Satu",
            title="Engineer",
            start_date=date(2019, 1, 1),
            end_date=date(2021, 1, 1),
        )
        w.objects[f"{role}_education"] = careers_services.education_add(
            user=user, institution="Universitas Indonesia", degree="S1", field="Informatika"
        )
        w.objects[f"{role}_skill"] = user.career_profile.skills.select_related("skill").first()

    job_a = job_with_skills(skills=["Python", "Django"], employer=employer_a, title="Backend A")
    draft_a = job_with_skills(
        skills=["Python"], employer=employer_a, title="Draft A", status="draft", published_at=None
    )
    job_b = job_with_skills(skills=["Python"], employer=employer_b, title="Backend B")
    w.objects.update(job_a=job_a, draft_a=draft_a, job_b=job_b)
    w.objects["member_application"] = careers_services.application_submit(
        user=member, job_id=job_a.pk, note="Hello A"
    )
    w.objects["other_application"] = careers_services.application_submit(
        user=other_member, job_id=job_b.pk, note="Hello B"
    )
    w.objects["member_activity"] = careers_services.job_mark(user=member, job=job_b, kind="saved")
    w.objects["other_activity"] = careers_services.job_mark(
        user=other_member, job=job_a, kind="saved"
    )
    w.objects["search_a"] = saved_search_create(
        employer=employer_a, actor=recruiter_a, name="Pythonistas", query=CandidateQuery()
    )
    w.objects["search_b"] = saved_search_create(
        employer=employer_b, actor=recruiter_b, name="Pythonistas", query=CandidateQuery()
    )
    # Outreach: a pool per employer, a saved candidate per employer, an invitation per member.
    from careers.models import JobInvitation
    from careers.services import outreach

    w.objects["pool_a"] = outreach.pool_create(employer=employer_a, actor=recruiter_a, name="A")
    w.objects["pool_b"] = outreach.pool_create(employer=employer_b, actor=recruiter_b, name="B")
    w.objects["sourced_a"] = outreach.candidate_save(
        employer=employer_a, actor=recruiter_a, public_id=member_profile.public_id, job_id=job_a.pk
    )[0]
    w.objects["sourced_b"] = outreach.candidate_save(
        employer=employer_b,
        actor=recruiter_b,
        public_id=member_profile.public_id,
        pool_id=w.objects["pool_b"].pk,
    )[0]
    w.objects["member_invitation"] = outreach.invitation_send(
        employer=employer_b, actor=recruiter_b, public_id=member_profile.public_id, job_id=job_b.pk
    )
    # other_member is not discoverable now; the invitation is from before they went private.
    w.objects["other_invitation"] = JobInvitation.objects.create(
        job=job_a, profile=other_profile, invited_by=recruiter_a
    )
    # Team management: a recruiter's membership and a pending invitation per employer.
    from accounts.models import EmployerInvitation, EmployerMembership

    w.objects["membership_a"] = EmployerMembership.objects.get(
        employer=employer_a, user=recruiter_a
    )
    w.objects["membership_b"] = EmployerMembership.objects.get(
        employer=employer_b, user=recruiter_b
    )
    for key, employer in (("team_invitation_a", employer_a), ("team_invitation_b", employer_b)):
        w.objects[key] = EmployerInvitation.objects.create(
            employer=employer,
            email=f"{key}@example.test",
            token_hash=key.ljust(64, "0"),
            expires_at=timezone.now() + timedelta(days=7),
        )
    # Consent receipts of two people.
    w.objects["member_grant"] = ConsentEvent.objects.filter(user=member).first()
    w.objects["other_grant"] = ConsentEvent.objects.filter(user=other_member).first()
    # premium: a verification waiting in the queue (its task is not run).
    grant(premium_member, PurposeCode.BIOMETRIC_VERIFICATION)
    with django_capture_on_commit_callbacks(execute=False):
        w.objects["premium_verification"] = biometric_services.verification_submit(
            user=premium_member, **submission()
        )
    # API tokens of two members (listed and revoked by their owners only).
    from accounts.services import api_token_issue

    w.objects["member_token"] = api_token_issue(user=member, name="member's phone")[0]
    w.objects["other_token"] = api_token_issue(user=other_member, name="other's phone")[0]
    w.objects["employer_a"] = employer_a
    w.objects["employer_b"] = employer_b
    return w


# --- a full demo run (data at rest, the admin) ------------------------------------------------

SECOND_NIK = "3174091205900004"  # same birth date and sex as the demo NIK, another serial


def _submit(client: Any, *, nik: str, name: str) -> str:
    from biometrics import demo, demo_images

    card = demo_images.id_card_jpeg(
        name=name.upper(), nik=nik, birth="12-05-1990", sex_label="LAKI-LAKI"
    )
    data = {
        "id_type": "ktp",
        "id_number": nik,
        "full_name": name,
        "date_of_birth": demo.DEMO_BIRTH,
        "sex": "M",
        "document": SimpleUploadedFile("ktp.jpg", card, "image/jpeg"),
        "selfie": SimpleUploadedFile("me.jpg", demo_images.selfie_jpeg(), "image/jpeg"),
    }
    response = client.post("/api/v1/me/verifications/", data, format="multipart")
    assert response.status_code == 202, response.content
    return response.json()["id"]


@pytest.fixture
def demo_run(django_capture_on_commit_callbacks, api_as, caplog) -> dict[str, Any]:
    """The demo data plus two verifications; return what must not be found in the clear."""
    from accounts.tests.factories import PremiumFactory, UserFactory
    from biometrics import demo
    from biometrics.models import FaceTemplate, Verification
    from consent.purposes import PurposeCode
    from consent.selectors import has_consent

    caplog.set_level(logging.DEBUG)
    call_command("seed_demo", stdout=StringIO())
    first = User.objects.get(email=demo.DEMO_EMAIL)
    if not has_consent(first, PurposeCode.BIOMETRIC_VERIFICATION):
        grant(first, PurposeCode.BIOMETRIC_VERIFICATION)
    second = UserFactory(email="twin@example.test", display_name="Budi Kembar")
    PremiumFactory(user=second)
    grant(second, PurposeCode.BIOMETRIC_VERIFICATION)
    with django_capture_on_commit_callbacks(execute=True):  # the task runs in-process
        verified = _submit(api_as(first), nik=demo.DEMO_NIK, name=demo.DEMO_NAME)
    with django_capture_on_commit_callbacks(execute=True):
        review = _submit(api_as(second), nik=SECOND_NIK, name="Budi Kembar")
    statuses = Verification.objects.in_bulk([verified, review])
    assert statuses[uuid.UUID(verified)].status == "verified"
    assert statuses[uuid.UUID(review)].status == "needs_review"
    templates = [t.vector for t in FaceTemplate.objects.all()]
    templates += [
        v.selfie_vector for v in Verification.objects.exclude(selfie_vector=None) if v is not None
    ]
    assert len(templates) == 2
    return {"niks": [demo.DEMO_NIK, SECOND_NIK], "templates": templates}


def pytest_collection_modifyitems(config, items):
    """Skip this folder's slow tests unless SLOW_TESTS=1 (.ci/run sets it in the worker pass)."""
    import os

    if os.environ.get("SLOW_TESTS") == "1":
        return
    here = Path(__file__).resolve().parent
    for item in items:
        if "slow" in item.keywords and here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.skip(reason="slow: set SLOW_TESTS=1 (.ci/run does)"))
