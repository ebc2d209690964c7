"""The Bahasa Indonesia catalogue is complete, and the main pages show no English in Indonesian."""

from __future__ import annotations

import gettext as gettext_module
import importlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from biometrics.tests.factories import grant_biometric_consent
from careers.services import job_mark
from careers.tests.factories import job_with_skills
from config.catalogues import compile_tree
from consent import purpose_texts
from consent.models import ConsentEvent
from consent.services import consent_grant

LOCALE = Path(__file__).resolve().parents[1] / "locale"
PO = LOCALE / "id" / "LC_MESSAGES" / "django.po"

# Words and phrases of our English UI. Matched as whole words, case-sensitive, in visible text
# and in the attributes a screen reader announces; any hit means a string is left untranslated
# or was never marked for translation.
ENGLISH = [
    "Sign in",
    "Sign up",
    "Sign out",
    "Privacy",
    "Jobs",
    "Your account",
    "My profile",
    "Verify ID",
    "Skip to content",
    "Language",
    "Save",
    "Search",
    "Password",
    "E-mail address",
    "Consent",
    "consent",
    "Withdraw",
    "Allow",
    "Apply",
    "Recommended",
    "Account",
    "Profile",
    "Previous",
    "Next",
    "Page",
    "Anyone",
    "Verified only",
    "the",
    "your",
    "you",
    "You",
    "and",
    "with",
]
ANNOUNCED_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt", "value"}


class VisibleText(HTMLParser):
    """Collect text a member reads or hears: text nodes and announced attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        kind = dict(attrs).get("type")
        for name, value in attrs:
            if name in ANNOUNCED_ATTRIBUTES and value:
                # only a button's value is shown; other values are data or hidden
                if name == "value" and kind not in {"submit", "button", "reset"}:
                    continue
                self.chunks.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)


def english_in(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    text = " ".join(parser.chunks)
    return [word for word in ENGLISH if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]


@pytest.fixture(autouse=True)
def fresh_catalogue() -> None:
    """Compile the .po like `make` does, and make Django read the new .mo files."""
    compile_tree(LOCALE)
    trans_real._translations = {}
    trans_real._default = None
    gettext_module._translations.clear()
    yield
    translation.activate("en")


def test_every_catalogue_entry_is_translated_and_none_is_fuzzy():
    # given
    entries = [e for e in polib.pofile(str(PO)) if e.msgid and not e.obsolete]
    # when
    untranslated = [
        e.msgid
        for e in entries
        if not (all(e.msgstr_plural.values()) if e.msgid_plural else e.msgstr)
    ]
    fuzzy = [e.msgid for e in entries if e.fuzzy]
    # then
    assert len(entries) > 500
    assert untranslated == []
    assert fuzzy == []


def test_placeholders_survive_translation():
    # given
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    entries = [e for e in polib.pofile(str(PO)) if e.msgid and not e.obsolete]
    # when
    broken = [
        e.msgid
        for e in entries
        if not e.msgid_plural
        and sorted(placeholder.findall(e.msgid)) != sorted(placeholder.findall(e.msgstr))
    ]
    # then
    assert broken == []


def test_purpose_texts_repeat_the_seeded_purposes_and_policy_verbatim():
    # given
    seed = importlib.import_module("consent.migrations.0002_seed_purposes_and_policy")
    seeded = {seed.POLICY_TEXT}
    for purpose in seed.PURPOSES:
        seeded |= {purpose["name"], purpose["description"], purpose["retention"]}
        seeded |= set(purpose["data_categories"])
    # when
    listed = set(purpose_texts.PURPOSE_TEXTS) | set(purpose_texts.POLICY_TEXTS)
    # then
    assert seeded - listed == set()


@pytest.mark.django_db
def test_every_seeded_consent_text_reads_in_indonesian():
    # given
    seed = importlib.import_module("consent.migrations.0002_seed_purposes_and_policy")
    texts = [seed.POLICY_TEXT]
    for purpose in seed.PURPOSES:
        texts += [purpose["name"], purpose["description"], purpose["retention"]]
        texts += purpose["data_categories"]
    # when
    with translation.override("id"):
        same = [text for text in texts if translation.gettext(text) == text]
    # then
    assert same == []


@pytest.mark.django_db
def test_a_member_consenting_in_indonesian_gets_the_indonesian_text_in_the_ledger(client, member):
    # given
    client.force_login(member)
    prompt = reverse("consent:prompt", args=["job_recommendations"])
    # when
    response = client.post(prompt, HTTP_ACCEPT_LANGUAGE="id", follow=True)
    # then
    assert "sudah dicatat" in response.content.decode()
    event = ConsentEvent.objects.get(user=member, purpose__code="job_recommendations")
    assert event.language == "id"
    assert "Rekomendasi lowongan" in event.text.text
    assert "Anda dapat menarik persetujuan ini kapan saja" in event.text.text
    receipt = client.get(reverse("consent:receipt", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="id")
    assert json.loads(receipt.content)["language"] == "id"


def _pages(member, premium_member, recruiter_a, employer) -> list[tuple[object | None, str]]:
    job = job_with_skills(skills=["Python"], title="Pengembang", employer=employer)
    events = [
        consent_grant(user=member, purpose=purpose, method="web", language="id")
        for purpose in (
            "job_recommendations",
            "share_profile_with_employers",
            "candidate_discovery",
        )
    ]
    grant_biometric_consent(premium_member)  # the verification form with its liveness steps
    job_mark(user=member, job=job, kind="saved")
    return [
        (None, reverse("home")),
        (None, reverse("consent:policies")),
        (member, reverse("consent:welcome")),
        (member, reverse("consent:receipt_page", args=[events[0].pk])),
        (member, reverse("careers:saved_jobs")),
        (None, reverse("accounts:login")),
        (None, reverse("accounts:signup")),
        (member, reverse("accounts:account")),
        (member, reverse("consent:centre")),
        (member, reverse("consent:prompt", args=["biometric_verification"])),
        (member, reverse("consent:prompt", args=["candidate_discovery"])),
        (member, reverse("consent:history")),
        (member, reverse("consent:policies")),
        (member, reverse("consent:access_log")),
        (member, reverse("consent:export")),
        (member, reverse("consent:erase")),
        (member, reverse("careers:profile")),
        (member, reverse("careers:jobs")),
        (member, reverse("careers:job_detail", args=[job.pk])),
        (member, reverse("careers:job_apply", args=[job.pk])),
        (member, reverse("careers:recommended")),
        (member, reverse("careers:applications")),
        (member, reverse("careers:activity")),
        (member, reverse("biometrics:start")),
        (premium_member, reverse("biometrics:start")),
        (recruiter_a, reverse("careers:recruiter-dashboard")),
        (recruiter_a, reverse("careers:recruiter-candidates")),
        (recruiter_a, reverse("careers:recruiter-job", args=[job.pk])),
    ]


@pytest.mark.django_db
def test_main_pages_in_indonesian_show_no_english(
    client, member, premium_member, recruiter_a, employer_a
):
    # given
    pages = _pages(member, premium_member, recruiter_a, employer_a)
    leftovers = {}
    for user, url in pages:
        client.logout()
        if user is not None:
            client.force_login(user)
        # when
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="id")
        # then
        assert response.status_code == 200, url
        assert re.search(r'<html lang="id"[ >]', response.content.decode()), url
        found = english_in(response.content.decode())
        if found:
            leftovers[f"{url} as {getattr(user, 'email', 'visitor')}"] = found
    assert leftovers == {}


@pytest.mark.django_db
def test_the_english_check_notices_an_untranslated_string(client):
    # given a page rendered in English
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    # when
    found = english_in(response.content.decode())
    # then
    assert "Sign in" in found
