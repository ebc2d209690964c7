"""Issue 11, items 7 and 8: no personal answer may be cached; the API docs get their own CSP.

Item 7: ``/api/v1/me/``, the verifications, the recruiter's candidate profile and every other
personal answer had no Cache-Control, so a shared cache or the browser's back button could keep
them. Every API answer, and every page served to a signed-in user, now says ``no-store``; this
walks every route of the URL configuration, not only the three the probe named.
Item 8: Swagger UI was exempt from the Content-Security-Policy and sent COOP ``unsafe-none``.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.hardening.conftest import ROLES, World
from tests.hardening.routes import all_routes
from tests.hardening.test_permission_matrix import RULES, _probes, admin_values

pytestmark = pytest.mark.django_db


def _not_stored(response) -> bool:
    value = response.get("Cache-Control", "")
    return "no-store" in value and "private" in value


def _signed_in_role(allowed: frozenset[str]) -> str | None:
    """A signed-in role that may reach the route (a member before a recruiter before staff)."""
    return next((role for role in ROLES if role != "anonymous" and role in allowed), None)


def test_every_answer_to_a_signed_in_user_says_no_store(world: World):
    # given: every route, addressed with an object its role may see
    checked, cached = [], []
    clients = {role: world.client(role) for role in ROLES}
    for client in clients.values():
        client.raise_request_exception = False
    # when
    for route in all_routes():
        if route.is_admin_site:
            role, url = "superuser", route.url(**admin_values(route))
        else:
            rule = RULES[route.key]
            label, values, allowed = _probes(route, rule, world)[0]
            role = _signed_in_role(allowed | frozenset(rule.per_role))
            if role is None:
                continue
            url = route.url(**values)
        headers = world.api_headers(role) if route.is_api else {}
        response = clients[role].get(url, **headers)
        checked.append(url)
        if not _not_stored(response):
            header = response.get("Cache-Control")
            cached.append(f"{url} as {role}: {response.status_code} {header}")
    # then
    print(f"\nCache-Control checked on {len(checked)} routes")
    assert len(checked) > 100
    assert cached == []


@pytest.mark.parametrize(
    "path,role",
    [
        ("/api/v1/me/", "member"),
        ("/api/v1/me/verifications/", "premium"),
        ("/api/v1/recruiter/candidates/{public_id}/", "recruiter_a"),
        ("/api/v1/me/export/", "member"),
        ("/api/v1/no-such-thing/", "member"),
    ],
)
def test_the_probed_personal_api_answers_are_not_stored(path, role, world: World):
    # given
    url = path.format(public_id=world.objects["member_profile"].public_id)
    # when
    response = world.client("anonymous").get(url, **world.api_headers(role))
    # then
    assert response.status_code in {200, 404}
    assert _not_stored(response), response.get("Cache-Control")


def test_the_token_answer_is_not_stored(member, password):
    # when
    response = Client().post(
        "/api/v1/auth/token/",
        {"email": member.email, "password": password},
        content_type="application/json",
    )
    # then
    assert response.status_code == 200
    assert _not_stored(response)


def test_static_files_stay_cacheable_for_signed_in_users(member, settings):
    # given: WhiteNoise serving straight from the apps' static folders
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    signed_in = Client()
    signed_in.force_login(member)
    # when
    css = signed_in.get("/static/css/app.css")
    # then: nothing personal in them, and every page loads them
    assert css.status_code == 200
    assert "no-store" not in css.get("Cache-Control", "")


def test_swagger_ui_has_a_strict_policy_of_its_own_and_isolates_its_window(client):
    # when
    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")
    # then
    assert page.status_code == 200
    csp = page["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in csp
    assert page["Cross-Origin-Opener-Policy"] == "same-origin"
    html = page.content.decode()
    assert "<style" not in html
    assert "<script>" not in html, "every script is a file the policy allows, none inline"
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
