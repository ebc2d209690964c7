"""The board per job: columns with counts, moves, rejection with a reason and a message, private
notes and ratings (export, withdrawal, erasure, retention), and what the member is told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from careers.models import Application, ApplicationNote, ApplicationStageChange, CareerNotification
from careers.services import application_submit, application_withdraw, outreach
from careers.services.pipeline import note_add, notes_retention_sweep
from careers.tests.factories import job_with_skills
from careers.tests.test_search import make_candidate
from config.errors import ApplicationError
from consent.purposes import PurposeCode
from consent.services import consent_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def job_a(employer_a):
    return job_with_skills(skills=["Python"], employer=employer_a, title="Backend Engineer")


def _applicant(job, headline: str = "Data Engineer") -> Application:
    profile = make_candidate(headline=headline)
    consent_grant(user=profile.user, purpose=PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS, method="web")
    return application_submit(user=profile.user, job_id=job.pk, note="")


def test_the_board_shows_columns_with_counts_and_moves_with_buttons(
    client, recruiter_a, employer_a, job_a
):
    # given: one sourced candidate, two applicants
    sourced = make_candidate(headline="Sourced Person")
    outreach.candidate_save(
        employer=employer_a, actor=recruiter_a, public_id=sourced.public_id, job_id=job_a.pk
    )
    first = _applicant(job_a, "First Applicant")
    _applicant(job_a, "Second Applicant")
    client.force_login(recruiter_a)
    board = reverse("careers:recruiter-job-board", args=[job_a.pk])
    # when
    page = client.get(board).content.decode()
    # then: sourced 1, applied 2
    assert 'id="col-sourced">Sourced <span class="badge"' in page
    assert "Sourced Person" in page and "First Applicant" in page
    assert ">2</span>" in page
    # when: "Next" moves the card to screening, back to the board
    moved = client.post(
        reverse("careers:recruiter-application-stage", args=[first.pk]),
        {"stage": "reviewing", "next": "board"},
    )
    # then
    assert moved.status_code == 302 and moved["Location"] == board
    assert Application.objects.get(pk=first.pk).stage == "reviewing"
    notice = CareerNotification.objects.get(user=first.applicant)
    assert notice.stage == "reviewing" and notice.job == job_a


def test_rejection_needs_a_reason_and_carries_the_message_to_the_member(
    client, recruiter_a, job_a, django_capture_on_commit_callbacks
):
    # given: the applicant wants e-mail
    application = _applicant(job_a)
    outreach.outreach_preference_update(user=application.applicant, invitations=True, email=True)
    client.force_login(recruiter_a)
    stage_url = reverse("careers:recruiter-application-stage", args=[application.pk])
    # when: no reason
    client.post(stage_url, {"stage": "rejected"})
    # then: nothing changed
    assert Application.objects.get(pk=application.pk).stage == "submitted"
    # when: with a reason and a message
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            stage_url,
            {"stage": "rejected", "reason": "filled", "message": "Thanks, and good luck!"},
        )
    # then
    assert Application.objects.get(pk=application.pk).stage == "rejected"
    assert ApplicationStageChange.objects.filter(to_stage="rejected").get().reason == "filled"
    client.force_login(application.applicant)
    news = client.get(reverse("careers:invitations")).content.decode()
    assert "Thanks, and good luck!" in news and "Not selected" in news
    assert "filled" not in news  # the reason stays with the employer
    assert len(mail.outbox) == 1 and "Thanks, and good luck!" in mail.outbox[0].body


def test_notes_and_ratings_are_private_exported_and_gone_on_withdrawal(
    client, recruiter_a, recruiter_b, job_a, api_as
):
    from careers.privacy import export_careers

    # given
    application = _applicant(job_a)
    client.force_login(recruiter_a)
    client.post(
        reverse("careers:recruiter-application-note", args=[application.pk]),
        {"body": "Strong SQL, ask about Spark.", "rating": "4"},
    )
    # then: the employer's recruiter sees note, author and rating; another employer cannot
    detail = client.get(reverse("careers:recruiter-application", args=[application.pk]))
    assert "Strong SQL, ask about Spark." in detail.content.decode()
    assert "Recruiter A" in detail.content.decode()
    notes_url = reverse("api:recruiter-application-notes", args=[application.pk])
    assert api_as(recruiter_b).get(notes_url).status_code == 404
    listed = api_as(recruiter_a).get(notes_url).json()["results"]
    assert [(n["body"], n["rating"], n["author"]) for n in listed] == [
        ("Strong SQL, ask about Spark.", 4, "Recruiter A")
    ]
    # and the member's export has it
    exported = export_careers(application.applicant)["applications"][0]["employer_notes"]
    assert exported[0]["note"] == "Strong SQL, ask about Spark." and exported[0]["rating"] == 4
    # when the member withdraws
    application_withdraw(user=application.applicant, application_id=application.pk)
    # then
    assert not ApplicationNote.objects.exists()


def test_bad_notes_are_refused_and_nothing_is_saved(recruiter_a, job_a, api_as):
    application = _applicant(job_a)
    url = reverse("api:recruiter-application-notes", args=[application.pk])
    client = api_as(recruiter_a)
    assert client.post(url, {"rating": 9}, format="json").status_code == 400
    assert client.post(url, {"body": ""}, format="json").status_code == 400
    assert client.post(url, {"body": "x" * 4001}, format="json").status_code == 400
    with pytest.raises(ApplicationError):
        note_add(application=application, actor=recruiter_a, body="ok\x00")
    assert not ApplicationNote.objects.exists()


def test_retention_removes_notes_on_applications_closed_over_a_year_ago(recruiter_a, job_a):
    # given
    old = _applicant(job_a)
    recent = _applicant(job_a)
    for app in (old, recent):
        note_add(application=app, actor=recruiter_a, body="note", rating=3)
    Application.objects.filter(pk__in=[old.pk, recent.pk]).update(stage="hired")
    Application.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=400))
    # when
    removed = notes_retention_sweep()
    # then
    assert removed == 1
    assert list(ApplicationNote.objects.values_list("application_id", flat=True)) == [recent.pk]


def test_api_board_and_stage_move_with_reason(recruiter_a, job_a, api_as):
    application = _applicant(job_a)
    client = api_as(recruiter_a)
    board = client.get(reverse("api:recruiter-job-board", args=[job_a.pk])).json()["columns"]
    assert [c["stage"] for c in board] == [
        "sourced",
        "submitted",
        "reviewing",
        "interview",
        "offer",
        "hired",
        "rejected",
    ]
    assert board[1]["count"] == 1
    stage_url = reverse("api:recruiter-application-stage", args=[application.pk])
    refused = client.post(stage_url, {"stage": "rejected"}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["error"]["fields"]
    moved = client.post(
        stage_url, {"stage": "rejected", "reason": "skills", "message": "Thank you"}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["stage"] == "rejected"
    news = api_as(application.applicant).get(reverse("api:careers-news")).json()["results"]
    assert news[0]["stage"] == "rejected" and news[0]["message"] == "Thank you"
