"""Sign-up, sign-in, sign-out, lockout and password reset through the HTML pages."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_home_page_invites_a_visitor_to_sign_up(client):
    # when
    response = client.get("/")
    # then
    assert response.status_code == 200
    assert b"Create an account" in response.content


def test_sign_up_creates_an_account_and_signs_in(client):
    # when
    response = client.post(
        "/accounts/signup/",
        {
            "email": "  New.Person@Example.TEST ",
            "display_name": "New Person",
            "password1": "a-long-unusual-pass-42",
            "password2": "a-long-unusual-pass-42",
        },
        follow=True,
    )
    # then
    assert response.status_code == 200
    user = User.objects.get()
    assert user.email == "new.person@example.test"
    assert response.context["user"] == user
    assert b"Choose how your data is used" in response.content  # the consents step comes next


def test_sign_up_with_a_taken_email_in_another_case_keeps_the_input_and_explains(client, member):
    # when
    response = client.post(
        "/accounts/signup/",
        {
            "email": member.email.upper(),
            "display_name": "Copycat",
            "password1": "a-long-unusual-pass-42",
            "password2": "a-long-unusual-pass-42",
        },
    )
    # then
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert 'value="Copycat"' in response.content.decode()
    assert User.objects.count() == 1


def test_sign_up_refuses_a_weak_password_and_mismatched_repeat(client):
    # when
    weak = client.post(
        "/accounts/signup/",
        {"email": "a@b.test", "display_name": "A", "password1": "123", "password2": "123"},
    )
    mismatch = client.post(
        "/accounts/signup/",
        {
            "email": "a@b.test",
            "display_name": "A",
            "password1": "a-long-unusual-pass-42",
            "password2": "another-long-pass-43",
        },
    )
    # then
    assert "too short" in weak.content.decode()
    assert "differ" in mismatch.content.decode()
    assert not User.objects.exists()


def test_sign_in_by_email_in_any_case(client, member, password):
    # when
    response = client.post(
        "/accounts/login/", {"email": member.email.upper(), "password": password}, follow=True
    )
    # then
    assert response.context["user"] == member


def test_wrong_password_is_refused_with_a_message(client, member):
    # when
    response = client.post("/accounts/login/", {"email": member.email, "password": "nope"})
    # then
    assert response.status_code == 200
    assert "wrong" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_repeated_failures_lock_sign_in_even_with_the_right_password(
    client, member, password, settings
):
    # given
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/accounts/login/", {"email": member.email, "password": "wrong"})
    # when
    response = client.post("/accounts/login/", {"email": member.email, "password": password})
    # then
    assert "Too many failed attempts" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_sign_out_needs_post(client, member):
    # given
    client.force_login(member)
    # when
    get = client.get("/accounts/logout/")
    post = client.post("/accounts/logout/", follow=True)
    # then
    assert get.status_code == 405
    assert not post.context["user"].is_authenticated


def test_password_reset_link_by_email_sets_a_new_password(client, member):
    # given
    client.post("/accounts/password/reset/", {"email": member.email.upper()})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", mail.outbox[0].body).group(1)
    # when
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-secret-77", "new_password2": "brand-new-secret-77"},
    )
    # then
    member.refresh_from_db()
    assert member.check_password("brand-new-secret-77")


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    # when
    response = client.post("/accounts/password/reset/", {"email": "nobody@x.test"}, follow=True)
    # then
    assert response.status_code == 200
    assert mail.outbox == []


def test_password_change_requires_the_old_password(client, member, password):
    # given
    client.force_login(member)
    # when
    client.post(
        "/accounts/password/change/",
        {
            "old_password": password,
            "new_password1": "changed-secret-88",
            "new_password2": "changed-secret-88",
        },
    )
    # then
    member.refresh_from_db()
    assert member.check_password("changed-secret-88")


def test_forms_without_csrf_token_are_refused(member, password):
    # given
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    # when
    response = strict.post("/accounts/login/", {"email": member.email, "password": password})
    # then
    assert response.status_code == 403


def test_account_page_needs_sign_in(client):
    # when
    response = client.get("/accounts/")
    # then
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
