"""Issue 11, item 1: deeply nested JSON is a 400 in the error shape, on every JSON endpoint.

The outside probe sent ``[[[[...]]]]`` 50,000 levels deep to the token endpoint (before any
sign-in), the profile and the consent endpoints: Python's JSON parser raised RecursionError and
the API answered 500. Every operation of the OpenAPI schema is tried here, not only those three.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.hardening.test_bad_input import _json_operations, assert_envelope

pytestmark = pytest.mark.django_db

DEEP = 50_000


def _deep_bodies() -> dict[str, str]:
    return {
        "deep array": "[" * DEEP + "]" * DEEP,
        "deep object": '{"a":' * DEEP + "1" + "}" * DEEP,
        # Shallow enough for the parser, too deep for anything that walks it afterwards.
        "array 900 deep": "[" * 900 + "]" * 900,
        "object 100 deep in a field": '{"employment":' + '{"a":' * 100 + "1" + "}" * 101,
    }


# Operations that would end the caller's sign-in if a body ever got through: they go last.
SIGN_OUTS = [
    ("delete", "/api/v1/auth/tokens/{token_id}/"),
    ("delete", "/api/v1/auth/token/"),
    ("delete", "/api/v1/auth/tokens/"),
    ("delete", "/api/v1/me/"),
]


def _operations(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """Every (method, path) of the schema; the ones that sign out or erase go last."""
    found = [
        (method, path)
        for path, methods in schema["paths"].items()
        for method in methods
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    return sorted(found, key=lambda op: SIGN_OUTS.index(op) if op in SIGN_OUTS else -1)


def test_deeply_nested_json_is_a_400_on_every_json_endpoint_and_no_500_anywhere(world):
    # given: every operation of the schema, as the role that may use it, on real objects
    from accounts.services import api_token_issue
    from tests.hardening.test_fuzzing import _path_parameters, _role_for

    schema = world.client("anonymous").get("/api/schema/?format=json").json()
    with_json_body = {(m, p) for m, p, _body in _json_operations(schema)}
    params = _path_parameters(world)
    failures: list[str] = []
    parsed = 0
    # when
    for method, path in _operations(schema):
        url = path
        for name, value in params.items():
            url = url.replace(f"{{{name}}}", value)
        client = world.client("anonymous")
        client.raise_request_exception = False
        role = _role_for(path)
        for label, body in _deep_bodies().items():
            headers = world.api_headers(role)
            if (method, path) in SIGN_OUTS:  # a token of its own, whatever the one before did
                headers = {
                    "HTTP_AUTHORIZATION": f"Token {api_token_issue(user=world.users[role])[1]}"
                }
            response = client.generic(
                method.upper(), url, body, content_type="application/json", **headers
            )
            status = response.status_code
            if status >= 500:
                failures.append(f"{method.upper()} {path} {label}: {status}")
            elif (method, path) in with_json_body or (method, path) == ("delete", "/api/v1/me/"):
                parsed += 1
                if status != 400:
                    failures.append(f"{method.upper()} {path} {label}: {status}, not 400")
                else:
                    assert_envelope(response.json())
    # then
    assert parsed >= 4 * 8
    assert failures == []


@pytest.mark.parametrize(
    "method,path,needs_user",
    [
        ("post", "/api/v1/auth/token/", False),
        ("put", "/api/v1/me/profile/", True),
        ("post", "/api/v1/me/consents/candidate_discovery/", True),
    ],
)
def test_the_probed_urls_answer_nested_json_with_a_parse_error(
    method, path, needs_user, api_client, api_as, member
):
    # given: the three URLs the probe named; the token endpoint before any sign-in
    client = api_as(member) if needs_user else api_client
    client.raise_request_exception = False
    body = "[" * DEEP + "]" * DEEP
    # when
    response = getattr(client, method)(path, data=body, content_type="application/json")
    # then
    assert response.status_code == 400
    error = assert_envelope(response.json())
    assert error["code"] == "parse_error"
    assert "nested" in error["message"]


def test_json_nested_within_the_limit_is_still_accepted(api_as, member):
    # given: a real profile update, nested as deep as the API needs (4 levels)
    body = {
        "headline": "Data engineer",
        "employment": [
            {"employer_name": "Bank Satu", "title": "Engineer", "start_date": "2020-01-01"}
        ],
        "preferences": {"titles": ["Data engineer"]},
    }
    # when
    response = api_as(member).put(
        "/api/v1/me/profile/", data=json.dumps(body), content_type="application/json"
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json()["headline"] == "Data engineer"
