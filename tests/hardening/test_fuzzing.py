"""Fuzzing: hypothesis against the HTML forms, schemathesis against the OpenAPI schema.

Bounded (HARDENING_FUZZ_EXAMPLES examples per operation and per form, default 6) so the suite
stays within seconds; CI may raise it. Checks: no 500 anywhere, every 4xx from the API is the
error envelope, and nothing is left orphaned (private files without rows, rows without files).
Report: test-artifacts/fuzz-report.json.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from biometrics.models import VerificationImage
from tests.hardening.conftest import World, private_files, private_root

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("HARDENING_FUZZ_EXAMPLES", "5"))
ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "fuzz-report.json"
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
FORM_FUZZ = settings(FUZZ, max_examples=EXAMPLES * 4)
# Operations the fuzzer must not call: erasing the account, or signing out the token every later
# request uses, ends the run for everyone after (each has its own tests).
SKIPPED = {
    ("DELETE", "/api/v1/me/"),
    ("DELETE", "/api/v1/auth/token/"),
    ("DELETE", "/api/v1/auth/tokens/"),
}


def _report(section: str, data: dict[str, Any]) -> None:
    """Add one section to the report; a lock keeps parallel test workers from losing one."""
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    with ARTIFACT.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        report = json.loads(ARTIFACT.read_text()) if ARTIFACT.exists() else {}
        report[section] = data
        ARTIFACT.write_text(json.dumps(report, indent=1))


def orphans() -> list[str]:
    """Private files without a row, and image rows without a file."""
    root = private_root()
    on_disk = {str(p.relative_to(root)) for p in private_files()}
    in_db = set(VerificationImage.objects.values_list("file_name", flat=True))
    return sorted((on_disk - in_db) | {f"missing file: {n}" for n in in_db - on_disk})


class _InProcessRequests:
    """Let the WSGI app run inside the test transaction (as django.test.Client does)."""

    def __enter__(self) -> None:
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)

    def __exit__(self, *exc: object) -> None:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _path_parameters(world: World) -> dict[str, str]:
    objects = world.objects
    return {
        "purpose": "candidate_discovery",
        "verification_id": str(objects["premium_verification"].pk),
        "application_id": str(objects["member_application"].pk),
        "event_id": str(objects["member_activity"].pk),
        "job_id": str(objects["job_a"].pk),
        "public_id": str(objects["member_profile"].public_id),
        "saved_search_id": str(objects["search_a"].pk),
        "token_id": str(objects["member_token"].pk),
        "pool_id": str(objects["pool_a"].pk),
        "invitation_id": str(objects["member_invitation"].pk),
        "membership_id": str(objects["membership_a"].pk),
    }


def _role_for(path: str) -> str:
    if path.startswith("/api/v1/recruiter/team/"):
        return "owner_a"
    if path.startswith("/api/v1/recruiter/"):
        return "recruiter_a"
    if path.startswith("/api/v1/me/verifications/"):
        return "premium"
    return "member"


def _is_envelope(response: Any) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, dict) and {"code", "message", "fields"} <= set(error)


def _fuzz(strategy: Any, authorization: str) -> list[tuple[Any, str]]:
    """Run one operation's strategy; return (response, label) per generated case."""
    seen: list[tuple[Any, str]] = []

    @FUZZ
    @given(case=strategy)
    def run(case: Any) -> None:
        response = case.call(headers={"Authorization": authorization})
        seen.append((response, f"{case.method} {case.formatted_path} -> {response.status_code}"))

    try:
        run()
    except Unsatisfiable:
        pass  # negative mode for an operation with nothing to get wrong (no parameters)
    return seen


def test_the_api_answers_fuzzed_requests_without_500_and_in_the_error_shape(world, monkeypatch):
    # given: the schema the API serves, and throttles out of the way (they are tested elsewhere)
    import schemathesis
    from rest_framework.throttling import SimpleRateThrottle
    from schemathesis import GenerationMode

    unlimited = dict.fromkeys(("auth_token", "verification_submit", "candidate_search"), "9999/s")
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", unlimited)
    params = _path_parameters(world)
    headers = {
        role: world.api_headers(role) for role in ("member", "premium", "recruiter_a", "owner_a")
    }
    app = get_wsgi_application()
    with _InProcessRequests():
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
    statuses: Counter[int] = Counter()
    server_errors: list[str] = []
    not_enveloped: list[str] = []
    operations = 0

    # when
    with _InProcessRequests():
        for result in schema.get_all_operations():
            operation = result.ok()
            if (operation.method.upper(), operation.path) in SKIPPED:
                continue
            operations += 1
            auth = headers[_role_for(operation.path)]
            fixed = {k: v for k, v in params.items() if f"{{{k}}}" in operation.path}
            # Negative cases need something to get wrong: a body or a query parameter.
            negatable = bool(list(operation.body)) or bool(list(operation.query))
            modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if negatable else [])
            for mode in modes:
                strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)

                for response, label in _fuzz(strategy, auth["HTTP_AUTHORIZATION"]):
                    statuses[response.status_code] += 1
                    if response.status_code >= 500:
                        server_errors.append(label)
                    elif response.status_code >= 400 and not _is_envelope(response):
                        not_enveloped.append(label + f" {response.text[:200]}")
    left = orphans()
    _report(
        "api",
        {
            "operations": operations,
            "requests": sum(statuses.values()),
            "statuses": dict(sorted(statuses.items())),
            "server_errors": server_errors,
            "not_enveloped": not_enveloped,
            "orphans": left,
        },
    )
    print(
        f"\nschemathesis: {operations} operations, {sum(statuses.values())} requests, "
        f"500s {len(server_errors)}, non-envelope 4xx {len(not_enveloped)}, orphans {len(left)}"
    )
    # then
    assert operations >= 20
    assert server_errors == []
    assert not_enveloped == []
    assert left == []


# --- HTML forms -------------------------------------------------------------------------------

_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=190, max_size=400),
    st.sampled_from(["", " ", "\x00", "2020-02-30", "-1", "9" * 30, "<script>x</script>", "NaN"]),
    st.integers().map(str),
    st.dates().map(str),
)
FORMS = {
    "signup": ("/accounts/signup/", ["email", "display_name", "password1", "password2"]),
    "profile": (
        "/profile/",
        ["headline", "summary", "location_city", "location_country", "visibility"],
    ),
    # The member's employment and education forms use a prefix (they share one page).
    "employment": (
        "/profile/employment/add/",
        [
            f"employment-{name}"
            for name in (
                "employer",
                "employer_name",
                "employer_domain",
                "title",
                "start_date",
                "end_date",
                "is_current",
            )
        ],
    ),
    "education": (
        "/profile/education/add/",
        [
            f"education-{name}"
            for name in ("institution", "degree", "field", "start_date", "end_date")
        ],
    ),
    "skill": ("/profile/skills/add/", ["skill-name", "skill-proficiency", "skill-years"]),
    "preferences": (
        "/profile/preferences/",
        ["preference-titles", "preference-locations", "preference-min_salary"],
    ),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_html_forms_answer_fuzzed_input_without_500(form, member, client):
    # given
    url, names = FORMS[form]
    if form != "signup":
        client.force_login(member)
    client.raise_request_exception = False
    statuses: Counter[int] = Counter()

    # when
    @FORM_FUZZ
    @given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(names, _text)))
    def run(data: dict[str, str]) -> None:
        response = client.post(url, data)
        statuses[response.status_code] += 1
        assert response.status_code < 500, (data, response.status_code)

    run()
    _report(f"form:{form}", {"requests": sum(statuses.values()), "statuses": dict(statuses)})
    # then
    assert sum(statuses.values()) >= 1
