"""Issue 11: who the client is behind proxies, rate limits, and a lockout nobody can aim.

Item 2: the token endpoint's limit was bypassed by changing X-Forwarded-For. The header is now
trusted only from ``TRUSTED_PROXY_COUNT`` proxies, by one function every throttle, the lockout
and the consent ledger use. "Lockout as a weapon": failures lock the pair (address, account)
and slow the address down across accounts; the HTML sign-in, sign-up and password-reset pages
(and the admin sign-in) have rate limits of their own.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
LOGIN_URL = "/accounts/login/"


def _token(client, email: str, password: str, **extra):
    return client.post(TOKEN_URL, {"email": email, "password": password}, format="json", **extra)


def _login(client, email: str, password: str, **extra):
    return client.post(LOGIN_URL, {"email": email, "password": password}, **extra)


def _form_errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


# --- item 2: the client address ----------------------------------------------------------------


def test_changing_x_forwarded_for_does_not_escape_the_token_rate_limit(
    api_client, member, throttle
):
    # given: no proxy is trusted (the default), so the header is the client's own claim
    throttle(auth_token="3/min")
    # when
    codes = [
        _token(api_client, member.email, "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        for n in range(5)
    ]
    # then
    assert [r.status_code for r in codes] == [400, 400, 400, 429, 429]
    assert codes[3].json()["error"]["code"] == "throttled"


def test_behind_one_trusted_proxy_the_limit_counts_the_address_the_proxy_saw(
    api_client, member, throttle, settings
):
    # given: one proxy (10.0.0.1) appends the address it saw; what comes before is the client's
    settings.TRUSTED_PROXY_COUNT = 1
    throttle(auth_token="2/min")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    # when: one client forges a different first hop each time
    forged = [
        _token(
            api_client,
            member.email,
            "wrong",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
            **proxy,
        ).status_code
        for n in range(3)
    ]
    other_client = _token(
        api_client, member.email, "wrong", HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy
    ).status_code
    # then
    assert forged == [400, 400, 429]
    assert other_client == 400


def test_ipv6_clients_are_counted_per_64_network(api_client, member, throttle):
    # given: an attacker holding a /64 rotates through its addresses
    throttle(auth_token="2/min")
    # when
    codes = [
        _token(api_client, member.email, "wrong", REMOTE_ADDR=f"2001:db8:1:2::{n:x}").status_code
        for n in range(1, 4)
    ]
    # then
    assert codes == [400, 400, 429]


def test_the_consent_ledger_records_the_address_from_the_same_function(member, client, settings):
    # given
    from consent.models import ConsentEvent

    client.force_login(member)
    # when: without a trusted proxy, a forged header is ignored
    client.post(
        "/privacy/consent/candidate_discovery/",
        REMOTE_ADDR="198.51.100.20",
        HTTP_X_FORWARDED_FOR="192.0.2.66",
    )
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        "/privacy/consent/job_recommendations/",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.66, 203.0.113.9",
    )
    # then
    events = dict(ConsentEvent.objects.filter(user=member).values_list("purpose", "ip_address"))
    assert events == {"candidate_discovery": "198.51.100.20", "job_recommendations": "203.0.113.9"}


def test_every_api_throttle_reads_the_client_address_function():
    # given: every view of the URL configuration
    from django.urls import URLPattern, URLResolver, get_resolver

    from config.throttling import ClientAddressThrottleMixin

    def views(resolver):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from views(entry)
            elif isinstance(entry, URLPattern):
                yield getattr(entry.callback, "cls", None) or getattr(
                    entry.callback, "view_class", None
                )

    # when
    throttles = {
        throttle
        for view in views(get_resolver())
        if view is not None
        for throttle in getattr(view, "throttle_classes", ())
    }
    # then
    assert len(throttles) >= 2
    assert [t for t in throttles if not issubclass(t, ClientAddressThrottleMixin)] == []


# --- spraying and the lockout ------------------------------------------------------------------


def test_password_spraying_across_many_accounts_from_one_address_hits_a_limit(
    api_client, throttle, settings
):
    # given: 30 accounts; the request rate limit is out of the way, so the lockout must hold
    throttle(auth_token="1000/min")
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 20
    victims = [UserFactory() for _ in range(30)]
    # when: one wrong guess per account, from one address
    answers = [_token(api_client, user.email, "Password123!") for user in victims]
    # then: after 20 failures the address is refused, even for a right password
    assert [r.status_code for r in answers] == [400] * 30
    right = _token(api_client, victims[-1].email, PASSWORD)
    assert right.status_code == 400
    assert right.json()["error"]["code"] == "invalid_credentials"
    elsewhere = _token(api_client, victims[-1].email, PASSWORD, REMOTE_ADDR="203.0.113.50")
    assert elsewhere.status_code == 200


def test_password_spraying_with_default_settings_is_stopped_by_the_request_limit(api_client):
    # given: the default limits, and a forged X-Forwarded-For on every request
    victims = [UserFactory() for _ in range(15)]
    # when
    codes = [
        _token(api_client, user.email, "Password123!", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        for n, user in enumerate(victims)
    ]
    # then
    assert 429 in [r.status_code for r in codes]


def test_failures_from_one_address_do_not_lock_the_owner_out_from_another(
    member, password, settings
):
    # given: someone else fails against the member's account until it locks for them
    settings.LOGIN_FAILURE_LIMIT = 3
    attacker, owner = Client(REMOTE_ADDR="198.51.100.9"), Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(3):
        _login(attacker, member.email, "wrong")
    # when
    attacker_again = _login(attacker, member.email, password)
    owner_signs_in = _login(owner, member.email, password)
    # then
    assert "Too many failed attempts" in attacker_again.content.decode()
    assert owner_signs_in.status_code == 302
    assert owner.get("/accounts/").status_code == 200


def test_the_api_lockout_also_locks_the_pair_not_the_account(api_client, member, settings):
    # given
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        _token(api_client, member.email, "wrong", REMOTE_ADDR="198.51.100.9")
    # when
    locked = _token(api_client, member.email, PASSWORD, REMOTE_ADDR="198.51.100.9")
    owner = _token(api_client, member.email, PASSWORD, REMOTE_ADDR="203.0.113.5")
    # then
    assert locked.status_code == 400
    assert owner.status_code == 200


def test_a_locked_unknown_address_reads_exactly_like_a_locked_known_one(client, member, settings):
    # given
    settings.LOGIN_FAILURE_LIMIT = 2
    answers = {}
    for email in (member.email, "nobody-here@example.test"):
        for _ in range(2):
            _login(client, email, "wrong")
        # when
        answers[email] = _login(client, email, "wrong")
    # then
    known, unknown = answers.values()
    assert known.status_code == unknown.status_code == 200
    assert _form_errors(known) == _form_errors(unknown)
    assert "Too many failed attempts" in _form_errors(known)[0]


# --- rate limits on the HTML pages -------------------------------------------------------------


def _signup_data(n: int) -> dict[str, str]:
    return {
        "email": f"new{n}@example.test",
        "display_name": "New Person",
        "password1": "a-long-new-secret-51",
        "password2": "a-long-new-secret-51",
    }


PAGES = {
    "sign-in": (LOGIN_URL, "sign_in", lambda n: {"email": f"x{n}@example.test", "password": "w"}),
    "sign-up": ("/accounts/signup/", "sign_up", _signup_data),
    "password reset": (
        "/accounts/password/reset/",
        "password_reset",
        lambda n: {"email": f"x{n}@example.test"},
    ),
    "admin sign-in": (
        "/admin/login/",
        "sign_in",
        lambda n: {"username": f"x{n}@example.test", "password": "w"},
    ),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_html_sign_in_sign_up_and_password_reset_pages_are_rate_limited(page, throttle):
    # given: a fresh client each time (no cookie to count by), forging X-Forwarded-For
    url, scope, data = PAGES[page]
    throttle(**{scope: "2/min"})
    # when
    answers = [Client().post(url, data(n), HTTP_X_FORWARDED_FOR=f"192.0.2.{n}") for n in range(3)]
    # then
    assert [r.status_code for r in answers[:2]] != [429, 429]
    assert answers[2].status_code == 429
    assert "Too many attempts" in answers[2].content.decode()
    assert int(answers[2]["Retry-After"]) > 0


def test_reading_the_sign_in_page_is_not_limited(client, throttle):
    # given
    throttle(sign_in="1/min")
    # when
    codes = [client.get(LOGIN_URL).status_code for _ in range(3)]
    # then
    assert codes == [200, 200, 200]


def test_password_reset_mails_to_one_address_are_capped_without_saying_so(member, throttle):
    # given: requests for the same e-mail from many addresses
    throttle(password_reset_email="2/hour")
    # when
    answers = [
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(
            "/accounts/password/reset/", {"email": member.email}
        )
        for n in range(4)
    ]
    # then: every answer is the same redirect, but only two mails went out
    assert {r.status_code for r in answers} == {302}
    assert len(mail.outbox) == 2


def test_wrong_passwords_when_confirming_an_erasure_count_towards_the_lockout(
    client, member, settings
):
    # given: a stolen session guessing the password on the erase page
    settings.LOGIN_FAILURE_LIMIT = 3
    client.force_login(member)
    for _ in range(3):
        client.post("/privacy/erase/", {"password": "guess", "confirm": "on"})
    # when: even the right password is refused now, from this address
    response = client.post("/privacy/erase/", {"password": PASSWORD, "confirm": "on"})
    # then
    assert response.status_code == 200
    assert re.search("Too many failed attempts", response.content.decode())
    member.refresh_from_db()
    assert member.is_active
