"""Issue 11, item 3: the API token lifecycle.

Tokens died with nothing: a password change or reset left them working. Now every sign-in gets
its own token, stored only as a hash; a token stops working when the password changes (any
way), the account is deactivated, it sits unused for API_TOKEN_IDLE_DAYS (sliding expiry) or
reaches API_TOKEN_MAX_AGE_DAYS (fixed cap); the member lists and revokes tokens in the API and
on the account page, and ``DELETE /api/v1/auth/token/`` signs out the token it is sent with.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"


def sign_in(user, *, name: str = "", password: str = PASSWORD) -> str:
    """POST /api/v1/auth/token/ as existing clients do; return the key."""
    body = {"email": user.email, "password": password}
    if name:
        body["name"] = name
    response = APIClient().post(TOKEN_URL, body, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def as_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def me_status(key: str) -> int:
    return as_token(key).get("/api/v1/me/").status_code


# --- revoked by what happens to the account ----------------------------------------------------


def test_a_password_change_retires_every_api_token(client, member):
    # given: two API clients, and the member in a browser
    keys = [sign_in(member), sign_in(member)]
    client.force_login(member)
    # when
    client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "changed-secret-88",
            "new_password2": "changed-secret-88",
        },
    )
    # then
    assert [me_status(k) for k in keys] == [401, 401]
    assert client.get("/accounts/").status_code == 200, "the browser that changed it stays in"
    assert me_status(sign_in(member, password="changed-secret-88")) == 200


def test_a_password_reset_retires_every_api_token(client, member):
    # given
    key = sign_in(member)
    client.post("/accounts/password/reset/", {"email": member.email})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    # when
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-secret-77", "new_password2": "brand-new-secret-77"},
    )
    # then
    assert me_status(key) == 401


def test_a_password_set_any_other_way_retires_tokens_too(member):
    # given: staff set a new password in the admin or a shell; no view is involved
    key = sign_in(member)
    # when
    member.set_password("set-by-staff-55")
    member.save()
    # then
    assert me_status(key) == 401


def test_deactivating_an_account_stops_its_tokens(member):
    # given
    key = sign_in(member)
    # when
    member.is_active = False
    member.save(update_fields=["is_active"])
    # then
    assert me_status(key) == 401


# --- signing out, listing, revoking ------------------------------------------------------------


def test_each_sign_in_gets_its_own_token(member):
    # when
    first, second = sign_in(member), sign_in(member)
    # then
    assert first != second
    assert me_status(first) == me_status(second) == 200


def test_delete_token_signs_out_only_the_token_it_is_sent_with(member):
    # given
    phone, laptop = sign_in(member, name="phone"), sign_in(member, name="laptop")
    # when
    response = as_token(phone).delete(TOKEN_URL)
    # then
    assert response.status_code == 204
    assert me_status(phone) == 401
    assert me_status(laptop) == 200


def test_delete_token_with_a_browser_session_says_there_is_no_token(api_client, member):
    # given
    api_client.force_login(member)
    # when
    response = api_client.delete(TOKEN_URL)
    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_token_authenticated"


def test_a_member_lists_their_own_tokens_without_the_keys(member, other_member):
    # given
    phone = sign_in(member, name="phone")
    sign_in(member, name="laptop")
    sign_in(other_member, name="someone else's")
    # when
    body = as_token(phone).get(TOKENS_URL).json()
    # then
    assert sorted(t["name"] for t in body) == ["laptop", "phone"]
    current = [t for t in body if t["current"]]
    assert [t["name"] for t in current] == ["phone"]
    assert all(phone not in str(t) for t in body)
    assert {"id", "prefix", "created_at", "last_used_at", "expires_at"} <= set(body[0])
    assert phone.startswith(current[0]["prefix"])


def test_a_member_revokes_one_of_their_tokens_but_not_someone_elses(member, other_member):
    # given
    phone, laptop = sign_in(member, name="phone"), sign_in(member, name="laptop")
    theirs = sign_in(other_member)
    laptop_id = next(t["id"] for t in as_token(phone).get(TOKENS_URL).json() if not t["current"])
    their_id = as_token(theirs).get(TOKENS_URL).json()[0]["id"]
    # when
    mine = as_token(phone).delete(f"{TOKENS_URL}{laptop_id}/")
    not_mine = as_token(phone).delete(f"{TOKENS_URL}{their_id}/")
    # then
    assert mine.status_code == 204
    assert me_status(laptop) == 401
    assert not_mine.status_code == 404
    assert me_status(theirs) == 200


def test_a_member_signs_out_every_api_client_at_once(member):
    # given
    keys = [sign_in(member) for _ in range(3)]
    # when
    response = as_token(keys[0]).delete(TOKENS_URL)
    # then
    assert response.status_code == 204
    assert [me_status(k) for k in keys] == [401, 401, 401]


def test_the_account_page_lists_api_tokens_and_revokes_one(client, member):
    # given
    phone = sign_in(member, name="Budi's phone")
    client.force_login(member)
    page = client.get("/accounts/").content.decode()
    assert "Budi&#x27;s phone" in page
    token_id = as_token(phone).get(TOKENS_URL).json()[0]["id"]
    # when
    response = client.post(f"/accounts/tokens/{token_id}/revoke/")
    # then
    assert response.status_code == 302
    assert me_status(phone) == 401
    assert "Budi&#x27;s phone" not in client.get("/accounts/").content.decode()


def test_the_account_page_cannot_revoke_someone_elses_token(client, member, other_member):
    # given
    theirs = sign_in(other_member)
    token_id = as_token(theirs).get(TOKENS_URL).json()[0]["id"]
    client.force_login(member)
    # when
    response = client.post(f"/accounts/tokens/{token_id}/revoke/")
    # then
    assert response.status_code == 404
    assert me_status(theirs) == 200


# --- expiry ------------------------------------------------------------------------------------


def _age(settings_days: int, **delta: int) -> timedelta:
    return timedelta(days=settings_days, **delta)


def test_an_unused_token_expires_after_the_idle_period(member, settings, monkeypatch):
    # given
    key = sign_in(member)
    later = timezone.now() + _age(settings.API_TOKEN_IDLE_DAYS, minutes=1)
    # when
    monkeypatch.setattr(timezone, "now", lambda: later)
    # then
    assert me_status(key) == 401


def test_using_a_token_slides_its_expiry_up_to_the_fixed_cap(member, settings, monkeypatch):
    # given: a token used every idle period minus a day
    key = sign_in(member)
    start = timezone.now()
    step = _age(settings.API_TOKEN_IDLE_DAYS - 1)
    statuses = []
    # when
    moment = start
    while moment < start + _age(settings.API_TOKEN_MAX_AGE_DAYS + 2):
        moment += step
        monkeypatch.setattr(timezone, "now", lambda m=moment: m)
        statuses.append((moment - start, me_status(key)))
    # then: alive while used, until the cap
    cap = _age(settings.API_TOKEN_MAX_AGE_DAYS)
    assert all(status == 200 for age, status in statuses if age < cap)
    assert all(status == 401 for age, status in statuses if age >= cap)
    assert any(status == 200 for age, status in statuses if age > step)


def test_the_token_answer_says_when_it_expires(member):
    # when
    body = (
        APIClient()
        .post(TOKEN_URL, {"email": member.email, "password": PASSWORD}, format="json")
        .json()
    )
    # then
    assert set(body) >= {"token", "id", "expires_at"}


def test_a_stale_token_header_does_not_stop_a_client_getting_a_new_token(member):
    # given: the client still sends its old, revoked token
    old = sign_in(member)
    as_token(old).delete(TOKEN_URL)
    # when
    response = as_token(old).post(
        TOKEN_URL, {"email": member.email, "password": PASSWORD}, format="json"
    )
    # then
    assert response.status_code == 200
    assert me_status(response.json()["token"]) == 200


# --- at rest -----------------------------------------------------------------------------------


def test_token_keys_are_stored_only_as_hashes(member):
    # given
    key = sign_in(member)
    # when: every column of every table, as a dump would show it
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            if any(key in str(row) for row in cursor.fetchall()):
                found.append(table)
    # then
    assert found == []


def test_tokens_that_can_no_longer_work_are_purged(member, other_member, monkeypatch):
    # given: one expired token, one of a deactivated account, one alive
    from accounts.models import ApiToken
    from accounts.tasks import api_tokens_purge_task

    expired, alive = sign_in(member), sign_in(member)
    ApiToken.objects.filter(prefix=expired[:6]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    sign_in(other_member)
    other_member.is_active = False
    other_member.save(update_fields=["is_active"])
    # when
    removed = api_tokens_purge_task()
    # then
    assert removed == 2
    assert me_status(alive) == 200
    assert ApiToken.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_clients_holding_a_token_from_before_the_upgrade_stay_signed_in(member):
    # given: the database as it was, with DRF's authtoken table holding a key in the clear
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0002_email_unique")])
    legacy_key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id char(32), "
            "created timestamp with time zone)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            [legacy_key, member.pk.hex, timezone.now()],
        )
    # when: the upgrade runs
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    # then: the old key still works, and no table holds it in the clear any more
    assert me_status(legacy_key) == 200
    assert "authtoken_token" not in connection.introspection.table_names()
