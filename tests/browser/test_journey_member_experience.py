"""Journeys of issue 15 (everything but identity verification), in English and Bahasa Indonesia:
every member page fits a 390 px phone, the profile keeps unsaved text of other sections, skills
suggest and correct, recommendations separate good from weak matches with Save on each card,
"Not now" on the apply prompt returns to the job, consents are chosen after sign-up, receipts
read as a page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from careers import services
from careers.models import SkillAlias
from careers.tests.factories import job_with_skills, profile_with_skills, skill
from consent.purposes import PurposeCode
from consent.services import access_record
from consent.tests.factories import grant, withdraw
from tests.browser.support import axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
JOBS = PurposeCode.JOB_RECOMMENDATIONS
SHARE = PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _busy_member(member, employer):
    """A member with something on every page: profile, history, saved job, log rows."""
    profile_with_skills(
        user=member,
        skills={"Python": 5, "Django": 4},
        headline="Backend developer with a rather long headline for a small screen",
        location_city="Jakarta",
    )
    services.employment_add(
        user=member,
        employer_name="PT Sangat Panjang Sekali Nama Perusahaannya Indonesia",
        title="Senior Backend Developer",
        start_date=date(2019, 1, 1),
        is_current=True,
    )
    grant(member, JOBS)
    grant(member, SHARE)
    grant(member, PurposeCode.CANDIDATE_DISCOVERY)
    withdraw(member, PurposeCode.CANDIDATE_DISCOVERY)
    job = job_with_skills(
        skills={"Python": (True, 3), "Django": (True, 3)},
        title="Backend Developer",
        employer=employer,
        salary_min=30_000_000,
        salary_max=40_000_000,
    )
    weak = job_with_skills(skills=["SEO"], title="Marketing Lead", employer=employer)
    services.job_mark(user=member, job=weak, kind="saved")
    services.application_submit(user=member, job_id=job.pk, note="")
    for n in range(3):
        access_record(
            accessor=None,
            subject=member,
            category="career profile",
            purpose=PurposeCode.CANDIDATE_DISCOVERY,
            detail=f"verification 0a1b2c3d-0000-4000-8000-00000000000{n}",
            accessor_label="Recruiter with a long name (Employer with a long name)",
        )
    return job


@pytest.mark.parametrize("language", ["en-GB", "id-ID"])
def test_every_member_page_fits_a_phone(browser, live_server, shot, member, employer_a, language):
    # given a member with data on every page, on a 390 px phone
    job = _busy_member(member, employer_a)
    event = member.consent_events.filter(action="withdraw").first()
    context = browser.new_context(base_url=live_server.url, locale=language, viewport=PHONE)
    page = context.new_page()
    signed_out = [
        reverse("home"),
        reverse("accounts:signup"),
        reverse("accounts:login"),
        reverse("consent:policies"),
    ]
    signed_in = [
        reverse("careers:profile"),
        reverse("careers:jobs"),
        reverse("careers:recommended"),
        reverse("careers:saved_jobs"),
        reverse("careers:job_detail", args=[job.pk]),
        reverse("careers:applications"),
        reverse("careers:activity"),
        reverse("consent:centre"),
        reverse("consent:welcome"),
        reverse("consent:history"),
        reverse("consent:access_log"),
        reverse("consent:policies"),
        reverse("consent:export"),
        reverse("consent:erase"),
        reverse("consent:receipt_page", args=[event.pk]),
        reverse("accounts:account"),
        reverse("biometrics:start"),
    ]
    too_wide = {}
    try:
        # when every page is opened
        for url in signed_out:
            page.goto(url)
            if _overflow(page) > 0:
                too_wide[f"signed out {url}"] = _overflow(page)
        sign_in(page, live_server, member)
        for url in signed_in:
            page.goto(url)
            assert page.locator("main").count() == 1, url
            if _overflow(page) > 0:
                too_wide[url] = _overflow(page)
            shot(page, "phone" + url.replace("/", "-").rstrip("-"))
    finally:
        context.close()
    # then none scrolls sideways
    assert too_wide == {}


def test_saving_one_profile_section_keeps_what_was_typed_in_another(page, live_server, member):
    # given
    sign_in(page, live_server, member)
    page.goto("/profile/")
    about = page.locator("#about")
    # when the member types a headline, then adds a job without saving "About me" first
    about.get_by_label("Headline").fill("Data engineer, unsaved")
    employment = page.locator("#employment")
    employment.get_by_label("Employer", exact=True).fill("Tokopedia")
    employment.get_by_label("Job title").fill("Data Engineer")
    employment.get_by_label("Start date").fill("2021-02-01")
    employment.get_by_label("I work here now").check()
    employment.get_by_role("button", name="Add").click()
    # then the job is saved, says so, and the headline is still there, flagged as not saved
    expect(page.get_by_text("Employment history saved.")).to_be_visible()
    expect(page.locator("#employment .saved-flag")).to_be_visible()
    expect(page.locator("#about").get_by_label("Headline")).to_have_value("Data engineer, unsaved")
    expect(page.locator("#about .notice.unsaved")).to_be_visible()
    # and saving "About me" keeps it for good
    page.locator("#about").get_by_role("button", name="Save").click()
    expect(page.get_by_text("About me saved.")).to_be_visible()
    expect(page.locator("#about").get_by_label("Headline")).to_have_value("Data engineer, unsaved")


@pytest.mark.lang("id-ID")
def test_skills_suggest_correct_a_typo_and_change_level_in_indonesian(page, live_server, member):
    # given
    skill("Python")
    sign_in(page, live_server, member)
    page.goto("/profile/")
    skills = page.locator("#skills")
    field = skills.get_by_label("Keahlian", exact=True)
    # when the member mistypes
    field.press_sequentially("Pyhton", delay=20)
    # then the page offers the catalogue name, and one click takes it
    suggestion = skills.get_by_role("button", name="Python")
    expect(suggestion).to_be_visible()
    expect(skills.get_by_text("Maksud Anda")).to_be_visible()
    suggestion.click()
    expect(field).to_have_value("Python")
    skills.get_by_role("button", name="Tambah keahlian").click()
    expect(page.get_by_text("Python ditambahkan.")).to_be_visible()
    # when the member changes the level of the skill
    page.locator("#skills details.skill-edit summary").click()
    page.locator("#skills form.skill-level").get_by_label("Tingkat kemahiran").select_option("5")
    page.locator("#skills form.skill-level").get_by_label("Tahun").fill("4")
    page.locator("#skills form.skill-level").get_by_role("button", name="Perbarui").click()
    # then
    expect(page.get_by_text("Python diperbarui.")).to_be_visible()
    expect(page.locator("#skills .skill-row")).to_contain_text("5/5 · 4 tahun")


def test_skill_suggestions_include_aliases(page, live_server, member):
    # given (browser tests flush the database, the catalogue with it)
    SkillAlias.objects.get_or_create(skill=skill("JavaScript"), alias="js")
    sign_in(page, live_server, member)
    page.goto("/profile/")
    page.locator("#skills").get_by_label("Skill", exact=True).press_sequentially("js", delay=20)
    expect(page.locator("#skill-catalogue option[value='JavaScript']")).to_have_count(1)


@pytest.mark.parametrize("language", ["en-GB", "id-ID"])
def test_not_now_on_the_apply_prompt_returns_to_the_job(
    browser, live_server, member, employer_a, language
):
    # given a job and a member who has not agreed to share the profile
    job = job_with_skills(skills=["Python"], title="Backend Developer", employer=employer_a)
    context = browser.new_context(base_url=live_server.url, locale=language)
    page = context.new_page()
    try:
        sign_in(page, live_server, member)
        page.goto(f"/jobs/{job.pk}/")
        apply, not_now = ("Apply", "Not now") if language == "en-GB" else ("Lamar", "Nanti saja")
        # when
        page.get_by_role("link", name=apply, exact=True).click()
        expect(page).to_have_url(
            f"{live_server.url}/privacy/consent/{SHARE}/?next=%2Fjobs%2F{job.pk}%2Fapply%2F&back=%2Fjobs%2F{job.pk}%2F"
        )
        page.get_by_role("link", name=not_now).click()
        # then the member is on the job page, not in a loop
        expect(page).to_have_url(f"{live_server.url}/jobs/{job.pk}/")
        expect(page.get_by_role("heading", name="Backend Developer")).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en-GB", "id-ID"])
def test_recommendations_put_good_matches_first_and_save_from_the_card(
    browser, live_server, shot, member, employer_a, language
):
    # given
    profile_with_skills(
        user=member, skills={"Python": 5, "Django": 5}, headline="Backend Developer"
    )
    grant(member, JOBS)
    good = job_with_skills(
        skills={"Python": (True, 3), "Django": (True, 3)},
        title="Backend Developer",
        employer=employer_a,
        salary_min=30_000_000,
        salary_max=40_000_000,
    )
    job_with_skills(skills=["SEO"], title="Marketing Lead", employer=employer_a)
    context = browser.new_context(base_url=live_server.url, locale=language)
    page = context.new_page()
    english = language == "en-GB"
    try:
        sign_in(page, live_server, member)
        # when
        page.goto("/jobs/recommended/")
        # then the good match shows with its salary the one way, the weak one is folded away
        card = page.locator("article.match", has_text="Backend Developer")
        expect(card).to_be_visible()
        expect(card).to_contain_text("Rp 30.000.000 – Rp 40.000.000")
        expect(page.locator("article.match", has_text="Marketing Lead")).to_be_hidden()
        page.locator("details.more-matches summary").click()
        expect(page.locator("article.match", has_text="Marketing Lead")).to_be_visible()
        shot(page, f"recommendations-{language}")
        # when the member saves the good match from its card
        card.get_by_role("button", name="Save" if english else "Simpan").click()
        # then the list stays, and the job is on the saved list
        expect(page).to_have_url(f"{live_server.url}/jobs/recommended/")
        page.goto("/jobs/saved/")
        expect(page.get_by_role("link", name="Backend Developer")).to_be_visible()
        page.goto(f"/jobs/{good.pk}/")
        heading = (
            "How this job matches you" if english else "Seberapa cocok lowongan ini untuk Anda"
        )
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    finally:
        context.close()


@pytest.mark.lang("id-ID")
def test_receipts_read_as_a_page_for_a_withdrawal_too_in_indonesian(page, live_server, member):
    # given
    grant(member, JOBS)
    withdraw(member, JOBS)
    sign_in(page, live_server, member)
    # when
    page.goto("/privacy/history/")
    page.get_by_role("link", name="Lihat tanda terima").first.click()
    # then
    expect(page.get_by_role("heading", name="Tanda terima penarikan")).to_be_visible()
    expect(page.get_by_text("29 September 2023")).to_be_visible()
    expect(page.get_by_role("button", name="Cetak")).to_be_visible()


@pytest.mark.parametrize("language", ["en-GB", "id-ID"])
def test_new_and_changed_pages_have_no_serious_accessibility_problem(
    browser, live_server, member, employer_a, language
):
    # given a member with data on each page
    job = _busy_member(member, employer_a)
    event = member.consent_events.filter(action="withdraw").first()
    context = browser.new_context(base_url=live_server.url, locale=language)
    page = context.new_page()
    urls = [
        reverse("careers:profile"),
        reverse("careers:recommended"),
        reverse("careers:saved_jobs"),
        reverse("careers:job_detail", args=[job.pk]),
        reverse("careers:activity"),
        reverse("consent:welcome"),
        reverse("consent:history"),
        reverse("consent:access_log"),
        reverse("consent:receipt_page", args=[event.pk]),
        reverse("accounts:account"),
    ]
    found = {}
    try:
        page.goto(reverse("consent:policies"))
        if problems := axe_violations(page):
            found["signed out policies"] = problems
        sign_in(page, live_server, member)
        # when
        for url in urls:
            assert page.goto(url).ok, url
            if problems := axe_violations(page):
                found[url] = problems
    finally:
        context.close()
    # then
    assert found == {}


def test_leaving_the_profile_with_unsaved_text_asks_first(page, live_server, member):
    # given a headline typed but not saved
    sign_in(page, live_server, member)
    page.goto("/profile/")
    page.locator("#about").get_by_label("Headline").fill("Not saved yet")
    dialogs: list[str] = []

    def answer(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    # when the member follows a link away
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Jobs").click()
    # then the browser asks first, and staying keeps the text
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(f"{live_server.url}/profile/")
    expect(page.locator("#about").get_by_label("Headline")).to_have_value("Not saved yet")
