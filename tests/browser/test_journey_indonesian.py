"""Journey in Bahasa Indonesia: a newcomer signs up, reads the privacy centre, allows job
recommendations, fills a profile and searches jobs, without meeting an English word."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from careers.tests.factories import job_with_skills, skill
from consent.models import ConsentEvent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.lang("id-ID")]


def test_newcomer_uses_the_platform_in_indonesian(page, shot, employer_a):
    # given an open job
    skill("Python")
    job_with_skills(skills=["Python"], title="Pengembang Backend", employer=employer_a)

    # when a newcomer signs up in Indonesian
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "id"
    expect(
        page.get_by_role("heading", name="Temukan pekerjaan yang cocok untuk Anda")
    ).to_be_visible()
    shot(page, "beranda")
    page.get_by_role("navigation").get_by_role("link", name="Daftar").click()
    page.get_by_label("Alamat e-mail").fill("budi@example.test")
    page.get_by_label("Nama tampilan").fill("Budi Santoso")
    page.get_by_label("Kata sandi", exact=True).fill("kata-sandi-yang-panjang-42")
    page.get_by_label("Ulangi kata sandi").fill("kata-sandi-yang-panjang-42")
    shot(page, "daftar")
    page.get_by_role("button", name="Buat akun").click()

    # then they are greeted in Indonesian and choose their consents, all off to start with
    expect(page.get_by_text("Selamat datang! Akun Anda sudah siap.")).to_be_visible()
    expect(page.get_by_role("heading", name="Pilih bagaimana data Anda digunakan")).to_be_visible()
    assert page.locator("input[name=purpose]:checked").count() == 0
    shot(page, "pilih-persetujuan")
    page.get_by_role("link", name="Lewati: belum izinkan apa pun").click()
    # and the account page speaks Indonesian, with a localised date
    page.get_by_role("link", name="Akun").click()
    expect(page.get_by_role("heading", name="Akun Anda")).to_be_visible()
    expect(page.get_by_text("Anggota sejak")).to_be_visible()
    page.get_by_role("button", name="Aktifkan demo premium (30 hari)").click()
    expect(page.get_by_text("Premium aktif selama 30 hari.")).to_be_visible()
    shot(page, "akun")

    # when they open the privacy centre and allow job recommendations
    page.get_by_role("link", name="Privasi", exact=True).click()
    expect(page.locator("h1")).to_have_text("Pusat privasi")
    card = page.locator("#purpose-job_recommendations")
    expect(card.get_by_text("Berapa lama disimpan:")).to_be_visible()
    card.get_by_role("button", name="Izinkan").click()
    expect(
        page.get_by_text("Persetujuan Anda untuk “Rekomendasi lowongan” sudah dicatat")
    ).to_be_visible()
    expect(card.get_by_text("Diizinkan")).to_be_visible()
    shot(page, "pusat-privasi")

    # and the biometric consent page explains itself in Indonesian
    page.goto("/privacy/consent/biometric_verification/")
    expect(
        page.get_by_role("heading", name="Persetujuan penggunaan informasi biometrik Anda")
    ).to_be_visible()
    page.get_by_label("Saya telah membaca data apa yang dikumpulkan").check()
    page.get_by_label("Ketik nama lengkap Anda untuk menandatangani").fill("Budi Santoso")
    shot(page, "persetujuan-biometrik")
    page.get_by_role("button", name="Tanda tangani dan beri persetujuan").click()
    expect(
        page.get_by_text("Persetujuan Anda untuk “Verifikasi identitas dengan biometrik”")
    ).to_be_visible()

    # then the ledger keeps the Indonesian text, and the receipt names the language
    event = ConsentEvent.objects.get(
        user__email="budi@example.test", purpose__code="biometric_verification"
    )
    assert (event.language, event.signature) == ("id", "Budi Santoso")
    assert "Kami membandingkan wajah pada dokumen identitas Anda" in event.text.text
    page.get_by_role("link", name="Riwayat persetujuan dan tanda terima").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="JSON", exact=True).first.click()
    receipt = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert receipt["language"] == "id"
    shot(page, "riwayat")

    # when they add a skill and search jobs
    page.get_by_role("link", name="Profil saya").first.click()
    skills = page.locator("section", has=page.get_by_role("heading", name="Keahlian", exact=True))
    skills.get_by_label("Keahlian", exact=True).fill("Python")
    skills.get_by_role("button", name="Tambah keahlian").click()
    expect(page.get_by_text("Python ditambahkan.")).to_be_visible()
    page.get_by_role("navigation", name="Utama").get_by_role("link", name="Lowongan").click()
    page.get_by_label("Kata kunci").fill("Backend")
    page.get_by_role("button", name="Cari", exact=True).click()

    # then the results are in Indonesian too
    expect(page.get_by_text("1 lowongan terbuka")).to_be_visible()
    expect(page.get_by_role("link", name="Pengembang Backend")).to_be_visible()
    shot(page, "lowongan")
    page.goto("/jobs/recommended/")
    expect(page.get_by_text("Cocok dengan 1 dari 1 keahlian wajib: Python").first).to_be_visible()
    shot(page, "rekomendasi")


def test_the_language_switcher_turns_the_page_english_and_back(page, shot):
    # given an Indonesian browser
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
    # when the visitor picks English
    page.get_by_label("Bahasa").select_option("en")
    # then the same page comes back in English, and stays so on the next page
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_label("E-mail address")).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    # and back to Bahasa Indonesia
    page.get_by_label("Language").select_option("id")
    expect(page.get_by_role("heading", name="Buat akun")).to_be_visible()
    shot(page, "switched-back-to-indonesian")
