"""Who can reach what: every route of the URL configuration against every role.

The routes come from the URL resolver, so a new URL fails this test until someone writes down
who may reach it in ``RULES`` below. Object routes are tried with the owner's id, other
people's ids and a random id: outsiders get the same answer as for a random id (no existence
oracle), and POST/DELETE by someone without access changes nothing in the database.
Report: test-artifacts/permission-matrix.json.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client

from tests.hardening.conftest import ROLES, World
from tests.hardening.routes import Route, all_routes

pytestmark = pytest.mark.django_db

ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "permission-matrix.json"

EVERYONE = frozenset(ROLES)
MEMBERS = EVERYONE - {"anonymous"}
RECRUITERS = frozenset({"recruiter_a", "recruiter_b", "owner_a"})
EMPLOYER_A = frozenset({"recruiter_a", "owner_a"})
EMPLOYER_B = frozenset({"recruiter_b"})
STAFF = frozenset({"reviewer", "superuser"})
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Probe:
    """An object a route can address: world key, attribute giving the id, who may reach it."""

    key: str
    allowed: frozenset[str]
    attr: str = "pk"


@dataclass(frozen=True)
class Rule:
    """The written expectation for one route.

    ``allowed``: roles that get ``ok`` on GET (for object routes, each probe says who).
    ``denied``: status for a signed-in role without access (anonymous: login redirect / 401).
    ``probes``: objects for the route's id parameter; a random id (nobody) is always added.
    ``values``: fixed values for non-object parameters (purpose codes, tokens).
    ``writes``: methods that change state; tried by every role without access.
    ``payload``: the body sent by those writes (valid input, so only access can refuse it).
    ``per_role``: exact GET statuses for roles whose answer depends on their state (consent).
    ``consent_gate``: a signed-in role without the route's consent is sent to the consent
    prompt (HTML) before any lookup; that answer is the same for every id.
    """

    access: str
    allowed: frozenset[str] = MEMBERS
    ok: frozenset[int] = frozenset({200})
    denied: frozenset[int] = frozenset({404})
    probes: tuple[Probe, ...] = ()
    values: dict[str, str] = field(default_factory=dict)
    writes: tuple[str, ...] = ()
    payload: dict[str, Any] = field(default_factory=dict)
    per_role: dict[str, frozenset[int]] = field(default_factory=dict)
    consent_gate: bool = False


def public(ok: set[int] | None = None, **kw: Any) -> Rule:
    return Rule("public", allowed=EVERYONE, ok=frozenset(ok or {200}), **kw)


def member(ok: set[int] | None = None, **kw: Any) -> Rule:
    return Rule("member", allowed=MEMBERS, ok=frozenset(ok or {200}), **kw)


def recruiter(ok: set[int] | None = None, **kw: Any) -> Rule:
    return Rule("recruiter", allowed=RECRUITERS, ok=frozenset(ok or {200}), **kw)


def owned(*probes: Probe, access: str = "owner", ok: set[int] | None = None, **kw: Any) -> Rule:
    return Rule(access, allowed=NOBODY, ok=frozenset(ok or {200}), probes=probes, **kw)


def post_only(rule: Rule, payload: dict[str, Any] | None = None) -> Rule:
    """A route that only accepts POST: GET is 405 for everyone signed in; POST is the probe."""
    return Rule(
        rule.access,
        allowed=rule.allowed,
        ok=frozenset({405}),
        denied=rule.denied | {405},
        probes=rule.probes,
        values=rule.values,
        writes=rule.writes or ("post",),
        payload=payload or {},
        per_role={},
        consent_gate=rule.consent_gate,
    )


def own(key: str, role: str, attr: str = "pk") -> Probe:
    return Probe(key, frozenset({role}), attr)


# Member-owned objects: only the owner reaches them.
EMPLOYMENTS = (own("member_employment", "member"), own("other_member_employment", "other_member"))
EDUCATIONS = (own("member_education", "member"), own("other_member_education", "other_member"))
APPLICATIONS = (
    own("member_application", "member"),
    own("other_application", "other_member"),
)
ACTIVITY = (own("member_activity", "member"), own("other_activity", "other_member"))
GRANTS = (own("member_grant", "member"), own("other_grant", "other_member"))
TOKENS = (own("member_token", "member"), own("other_token", "other_member"))
# Jobs on the member side: open jobs for every signed-in member; drafts for nobody.
MEMBER_JOBS = (
    Probe("job_a", MEMBERS),
    Probe("job_b", MEMBERS),
    Probe("draft_a", NOBODY),
)
# Employer objects: only that employer's people.
RECRUITER_JOBS = (
    Probe("job_a", EMPLOYER_A),
    Probe("draft_a", EMPLOYER_A),
    Probe("job_b", EMPLOYER_B),
)
RECRUITER_APPLICATIONS = (
    Probe("member_application", EMPLOYER_A),
    Probe("other_application", EMPLOYER_B),
)
SEARCHES = (Probe("search_a", EMPLOYER_A), Probe("search_b", EMPLOYER_B))
POOLS = (Probe("pool_a", EMPLOYER_A), Probe("pool_b", EMPLOYER_B))
# Team management: only employer A's owner manages A's people and invitations; B has no owner
# among the roles, so B's objects are nobody's.
MEMBERSHIPS = (
    Probe("membership_a", frozenset({"owner_a"})),
    Probe("membership_b", NOBODY),
)
TEAM_INVITATIONS = (
    Probe("team_invitation_a", frozenset({"owner_a"})),
    Probe("team_invitation_b", NOBODY),
)
SOURCED = (Probe("sourced_a", EMPLOYER_A), Probe("sourced_b", EMPLOYER_B))
# Invitations to apply: each member answers their own only.
INVITATIONS = (own("member_invitation", "member"), own("other_invitation", "other_member"))
# Candidates: member is discoverable (every employer); other_member is not, but applied to B.
CANDIDATES = (
    Probe("member_profile", RECRUITERS, "public_id"),
    Probe("other_profile", EMPLOYER_B, "public_id"),
)
PURPOSE = {"purpose": "candidate_discovery"}
HTML_RECRUITER_DENIED = frozenset({404})
API_RECRUITER_DENIED = frozenset({403})

# Consent held in the world: member and other_member have job_recommendations and
# share_profile_with_employers; everyone else has neither.
WITH_CAREER_CONSENT = frozenset({"member", "other_member"})
NO_CAREER_CONSENT = MEMBERS - WITH_CAREER_CONSENT
EMPLOYMENT = {"employer_name": "Intruder Ltd", "title": "Intruder", "start_date": "2020-01-01"}
EDUCATION = {"institution": "Intruder University"}
JOB = {
    "title": "Intruder job",
    "remote_mode": "onsite",
    "job_type": "full_time",
    "seniority": "mid",
    "currency": "IDR",
}

RULES: dict[str, Rule] = {
    # --- site ---------------------------------------------------------------------------------
    "home": public(),
    "admin-dashboard": Rule("staff", allowed=STAFF),
    "healthz": public(),
    "set_language": public({302, 204}),
    "schema": public(),
    "api-docs": public(),
    # --- accounts -----------------------------------------------------------------------------
    "accounts:signup": public({200, 302}),
    "accounts:login": public({200, 302}),
    "accounts:logout": public({405}),
    "accounts:account": member(),
    "accounts:premium-demo": post_only(member()),
    "accounts:employer-create": post_only(member()),
    "accounts:employer-invite": post_only(
        owned(Probe("employer_a", frozenset({"owner_a"})), Probe("employer_b", NOBODY)),
        {"email": "intruder@example.test", "role": "recruiter"},
    ),
    "accounts:employer-team": owned(
        Probe("employer_a", frozenset({"owner_a"})), Probe("employer_b", NOBODY)
    ),
    "accounts:employer-member-role": post_only(owned(*MEMBERSHIPS), {"role": "owner"}),
    "accounts:employer-member-remove": post_only(owned(*MEMBERSHIPS)),
    "accounts:employer-invitation-resend": post_only(owned(*TEAM_INVITATIONS)),
    "accounts:employer-invitation-revoke": post_only(owned(*TEAM_INVITATIONS)),
    # A random token: nobody accepts it, not even signed-in members (valid tokens: accounts).
    "accounts:invitation-accept": public({404}, values={"token": "not-a-real-token"}),
    "accounts:password-change": member(),
    "accounts:password-change-done": member(),
    "accounts:password-reset": public(),
    "accounts:password-reset-done": public(),
    "accounts:password-reset-confirm": public(values={"uidb64": "MTIz", "token": "x-y"}),
    "accounts:password-reset-complete": public(),
    "api:auth-token": public({405}),
    "api:auth-tokens": member(writes=("delete",)),
    "api:auth-token-detail": owned(*TOKENS, ok={405}, denied={405}, writes=("delete",)),
    "accounts:token-revoke": post_only(owned(*TOKENS)),
    "accounts:tokens-revoke-all": post_only(member()),
    "api:me": member(writes=("delete",)),
    "api:employers": member(),
    # --- consent ------------------------------------------------------------------------------
    "consent:centre": member(),
    "consent:prompt": member(values=PURPOSE),
    "consent:withdraw": member({200, 302, 405}, values=PURPOSE),
    "consent:history": member(),
    "consent:receipt": owned(*GRANTS),
    "consent:receipt_page": owned(*GRANTS),
    # The consents step after sign-up acts on the caller's own consents only.
    "consent:welcome": member({200, 302}),
    "consent:policies": public(),
    "consent:access_log": member(),
    "consent:export": member(),
    "consent:erase": member(),
    "api:consent-list": member(),
    # Purpose routes act on the caller's own consent: no one else's data is addressable.
    "api:consent-detail": member({200, 404, 405}, values=PURPOSE),
    "api:consent-receipt": member({200, 404}, values=PURPOSE),
    "api:consent-receipt-by-id": owned(*GRANTS),
    "api:consent-access-log": member(),
    "api:consent-export": member(),
    # --- biometrics ---------------------------------------------------------------------------
    "biometrics:start": member(),
    "biometrics:status": owned(own("premium_verification", "premium")),
    "biometrics:status-json": owned(own("premium_verification", "premium")),
    "api:verification-list": member(),
    # Issues a liveness challenge to the caller; premium and consent are checked inside.
    "api:verification-challenge": post_only(member()),
    "api:verification-detail": owned(own("premium_verification", "premium")),
    # The stepper's draft: one per member, none in the world (so a 404 to read it).
    "biometrics:draft-save": post_only(member()),
    "biometrics:draft-document": member(ok={404}),
    "biometrics:draft-delete": post_only(member()),
    "api:verification-draft": member(ok={404}),
    "api:verification-draft-submit": post_only(member()),
    # "Ask a person to decide" on one's own rejected case; a stranger's case is a 404.
    "biometrics:review-request": post_only(owned(own("premium_verification", "premium"))),
    "api:verification-review-request": post_only(owned(own("premium_verification", "premium"))),
    # --- careers: member side -----------------------------------------------------------------
    "careers:profile": member(),
    "careers:employment_add": member(),
    "careers:employment_edit": owned(*EMPLOYMENTS, writes=("post",), payload=EMPLOYMENT),
    "careers:employment_delete": post_only(owned(*EMPLOYMENTS)),
    "careers:education_add": member(),
    "careers:education_edit": owned(*EDUCATIONS, writes=("post",), payload=EDUCATION),
    "careers:education_delete": post_only(owned(*EDUCATIONS)),
    # The id is a catalogue skill's: each member removes it from their own profile only.
    "careers:skill_remove": post_only(member(values={"skill_id": "1"})),
    "careers:skill_add": post_only(member()),
    "careers:skill_update": post_only(member(values={"skill_id": "1"})),
    "careers:preferences": post_only(member()),
    "careers:jobs": member(),
    "careers:recommended": member(per_role=dict.fromkeys(NO_CAREER_CONSENT, frozenset({302}))),
    "careers:job_detail": owned(*MEMBER_JOBS, access="member"),
    "careers:job_save": post_only(owned(*MEMBER_JOBS, access="member")),
    "careers:job_dismiss": post_only(owned(*MEMBER_JOBS, access="member")),
    "careers:job_apply": owned(
        *MEMBER_JOBS,
        access="member",
        writes=("post",),
        payload={"note": "intruder"},
        per_role=dict.fromkeys(NO_CAREER_CONSENT, frozenset({302})),
        consent_gate=True,
    ),
    "careers:saved_jobs": member(),
    "careers:activity": member(),
    "careers:applications": member(),
    "careers:application_withdraw": post_only(owned(*APPLICATIONS)),
    "api:careers-profile": member(),
    "api:careers-applications": member(),
    "api:careers-application": owned(*APPLICATIONS, writes=("delete",)),
    "api:careers-activity": member(),
    "api:careers-activity-event": owned(*ACTIVITY, ok={405}, denied={405}, writes=("delete",)),
    "api:careers-jobs": member(),
    "api:careers-saved-jobs": member(),
    "api:careers-dismissed-jobs": member(),
    "api:careers-skill-suggest": member(),
    "api:careers-recommended": member(per_role=dict.fromkeys(NO_CAREER_CONSENT, frozenset({403}))),
    "api:careers-job": owned(*MEMBER_JOBS, access="member"),
    "api:careers-job-apply": post_only(owned(*MEMBER_JOBS, access="member", consent_gate=True)),
    "api:careers-job-save": owned(
        *MEMBER_JOBS, access="member", ok={405}, denied={405}, writes=("post", "delete")
    ),
    "api:careers-job-dismiss": owned(
        *MEMBER_JOBS, access="member", ok={405}, denied={405}, writes=("post", "delete")
    ),
    # --- careers: recruiter portal and API ----------------------------------------------------
    "careers:recruiter-dashboard": recruiter(denied=HTML_RECRUITER_DENIED),
    "careers:recruiter-employer": post_only(recruiter(denied=HTML_RECRUITER_DENIED)),
    "careers:recruiter-job-new": recruiter(denied=HTML_RECRUITER_DENIED),
    "careers:recruiter-job": owned(
        *RECRUITER_JOBS, access="recruiter", writes=("post",), payload=JOB
    ),
    "careers:recruiter-job-status": post_only(
        owned(*RECRUITER_JOBS, access="recruiter"), {"status": "closed"}
    ),
    "careers:recruiter-application": owned(*RECRUITER_APPLICATIONS, access="recruiter"),
    "careers:recruiter-application-stage": post_only(
        owned(*RECRUITER_APPLICATIONS, access="recruiter"), {"stage": "reviewing"}
    ),
    "careers:recruiter-candidates": recruiter(denied=HTML_RECRUITER_DENIED),
    "careers:recruiter-candidate": owned(*CANDIDATES, access="recruiter"),
    "careers:recruiter-searches": recruiter(
        denied=HTML_RECRUITER_DENIED, writes=("post",), payload={"name": "Intruder search"}
    ),
    "careers:recruiter-search-delete": post_only(owned(*SEARCHES, access="recruiter")),
    "careers:recruiter-search-alert": post_only(
        owned(*SEARCHES, access="recruiter"), {"alert": "on"}
    ),
    "api:recruiter-candidates": recruiter(denied=API_RECRUITER_DENIED),
    "api:recruiter-candidate": owned(*CANDIDATES, access="recruiter"),
    "api:recruiter-jobs": recruiter(
        denied=API_RECRUITER_DENIED, writes=("post",), payload={**JOB, "skills": []}
    ),
    "api:recruiter-job": owned(
        *RECRUITER_JOBS, access="recruiter", writes=("patch",), payload={"title": "Intruder"}
    ),
    "api:recruiter-job-applications": owned(*RECRUITER_JOBS, access="recruiter"),
    "api:recruiter-application": owned(*RECRUITER_APPLICATIONS, access="recruiter"),
    "api:recruiter-application-stage": post_only(
        owned(*RECRUITER_APPLICATIONS, access="recruiter"), {"stage": "reviewing"}
    ),
    "api:recruiter-searches": recruiter(
        denied=API_RECRUITER_DENIED, writes=("post",), payload={"name": "Intruder search"}
    ),
    "api:recruiter-search": owned(
        *SEARCHES, access="recruiter", writes=("patch", "delete"), payload={"alert": True}
    ),
    # --- careers: outreach (saved candidates, talent pools, invitations) -------------------------
    "careers:recruiter-candidate-save": post_only(
        owned(*CANDIDATES, access="recruiter"), {"new_pool": "Intruder pool"}
    ),
    "careers:recruiter-candidate-invite": post_only(
        owned(*CANDIDATES, access="recruiter"), {"message": "Intruder"}
    ),
    "careers:recruiter-pools": recruiter(
        denied=HTML_RECRUITER_DENIED, writes=("post",), payload={"name": "Intruder pool"}
    ),
    "careers:recruiter-pool": owned(*POOLS, access="recruiter"),
    "careers:recruiter-sourced-remove": post_only(owned(*SOURCED, access="recruiter")),
    "api:recruiter-candidate-save": post_only(
        owned(*CANDIDATES, access="recruiter"), {"pool": str(uuid.uuid4())}
    ),
    "api:recruiter-candidate-invite": post_only(
        owned(*CANDIDATES, access="recruiter"), {"job": str(uuid.uuid4()), "message": "Intruder"}
    ),
    "api:recruiter-pools": recruiter(
        denied=API_RECRUITER_DENIED, writes=("post",), payload={"name": "Intruder pool"}
    ),
    "api:recruiter-pool": owned(*POOLS, access="recruiter"),
    "api:recruiter-job-sourced": owned(*RECRUITER_JOBS, access="recruiter"),
    "careers:recruiter-job-board": owned(*RECRUITER_JOBS, access="recruiter"),
    "careers:recruiter-application-note": post_only(
        owned(*RECRUITER_APPLICATIONS, access="recruiter"), {"body": "Intruder"}
    ),
    "api:recruiter-job-board": owned(*RECRUITER_JOBS, access="recruiter"),
    "api:recruiter-application-notes": owned(
        *RECRUITER_APPLICATIONS, access="recruiter", writes=("post",), payload={"body": "Intruder"}
    ),
    "api:careers-news": member(),
    "api:recruiter-team": Rule("owner", allowed=frozenset({"owner_a"}), denied=frozenset({403})),
    "api:recruiter-team-invitations": post_only(
        Rule("owner", allowed=frozenset({"owner_a"}), denied=frozenset({403})),
        {"email": "intruder@example.test", "role": "recruiter"},
    ),
    "api:recruiter-team-invitation": owned(
        *TEAM_INVITATIONS, ok={405}, denied={403, 404, 405}, writes=("post", "delete")
    ),
    "api:recruiter-team-member": owned(
        *MEMBERSHIPS,
        ok={405},
        denied={403, 404, 405},
        writes=("patch", "delete"),
        payload={"role": "owner"},
    ),
    "careers:invitations": member(),
    "careers:invitation_decline": post_only(owned(*INVITATIONS)),
    "api:careers-invitations": member(),
    "api:careers-invitation-choices": member(),
    "api:careers-invitation-decline": post_only(owned(*INVITATIONS)),
}


# --- the admin: every route under /admin/ is AdminSite's, staff only ---------------------------


def admin_model(route: Route) -> type | None:
    """The model an admin route belongs to (by its name or its pattern), if any."""
    for model in admin.site._registry:
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        if route.name and route.name.startswith(f"admin:{label}_"):
            return model
        if route.pattern.startswith(f"admin/{model._meta.app_label}/{model._meta.model_name}/"):
            return model
    return None


def admin_expected(route: Route, role: str, status: int, location: str) -> bool:
    """Staff only: others are sent to the admin sign-in; a reviewer sees only biometrics."""
    if route.key in {"admin:login", "admin:jsi18n"}:
        return status in {200, 302}
    if route.key == "admin:logout":
        return status in {200, 302, 405}
    if route.key in {"admin:password_change", "admin:password_change_done"}:
        return status == 200 if role in STAFF else "/admin/login/" in location
    if role not in STAFF:
        return status == 302 and "/admin/login/" in location
    if role == "superuser":
        return status in {200, 302, 403, 404}
    # reviewer: staff with only the biometrics permissions.
    model = admin_model(route)
    if route.key in {"admin:index", "admin:password_change_done"}:
        return status in {200, 302}
    if model is not None and model._meta.app_label == "biometrics":
        return status in {200, 302, 403, 404}
    return status in {302, 403, 404}


def admin_values(route: Route) -> dict[str, str]:
    model = admin_model(route)
    values: dict[str, str] = {}
    for name in route.params:
        if name in {"object_id", "verification_id"} and model is not None:
            pk = model._base_manager.values_list("pk", flat=True).first()
            values[name] = str(pk if pk is not None else uuid.uuid4())
        elif name == "app_label":
            values[name] = "biometrics"
        elif name == "object_id":
            values[name] = str(uuid.uuid4())
        elif name == "content_type_id":
            from django.contrib.contenttypes.models import ContentType

            values[name] = str(ContentType.objects.get_for_model(apps.get_model("careers.Job")).pk)
        elif name == "url":
            values[name] = "no-such-page/"
        else:
            values[name] = "x"
    return values


# --- running the matrix -----------------------------------------------------------------------

IGNORED_COLUMNS = {"last_seen_at", "last_login", "session_data", "expire_date"}
IGNORED_TABLES = {"django_session", "accounts_usersession"}
# A token's use slides its expiry: bookkeeping, like last_seen_at.
IGNORED_TABLE_COLUMNS = {"accounts_apitoken": {"last_used_at", "expires_at"}}


def database_fingerprint() -> str:
    """A hash over every row of every table (minus bookkeeping such as last_seen_at)."""
    digest = hashlib.sha256()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table in IGNORED_TABLES or model._meta.proxy:
            continue
        ignored = IGNORED_COLUMNS | IGNORED_TABLE_COLUMNS.get(model._meta.db_table, set())
        columns = [f.attname for f in model._meta.concrete_fields if f.attname not in ignored]
        rows = model._base_manager.order_by("pk").values_list(*columns)
        digest.update(model._meta.db_table.encode())
        digest.update(repr(list(rows)).encode())
    return digest.hexdigest()


def random_value(kind: str) -> str:
    if kind == "int":
        return "987654321"
    return str(uuid.uuid4())


def denial_ok(
    route: Route, rule: Rule, role: str, status: int, location: str, *, write: bool = False
) -> bool:
    """Whether ``status`` is the written-down refusal for a role without access."""
    if rule.access == "staff":  # pages behind admin.site.admin_view: the admin sign-in
        return status == 302 and location.startswith("/admin/login/")
    if role == "anonymous":
        if route.is_api:
            return status in {401, 403}
        if not write and rule.ok == {405} and status == 405:
            return True  # require_POST answers before login_required: nothing is revealed
        return status == 302 and location.startswith("/accounts/login/")
    denied = rule.denied - {405} if write else rule.denied
    if rule.consent_gate and status == 302 and location.startswith("/privacy/consent/"):
        return True
    return status in denied or (route.is_api and status in {403, 404})


@dataclass
class Outcome:
    route: str
    url: str
    probe: str
    role: str
    method: str
    status: int
    expected: str
    ok: bool
    leak: bool


@dataclass
class Matrix:
    outcomes: list[Outcome] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    oracle: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def leaks(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.leak]


def _request(
    client: Client, method: str, url: str, headers: dict[str, str], payload: dict[str, Any]
) -> Any:
    call: Callable[..., Any] = getattr(client, method)
    if url.startswith("/api/"):
        return call(url, data=json.dumps(payload), content_type="application/json", **headers)
    if method == "post":
        return call(url, data=payload, **headers)
    return call(url, **headers)


def _answer(response: Any, ids: list[str]) -> tuple[int, bytes, str]:
    location = response.get("Location", "")
    for value in ids:
        location = location.replace(value, "<id>")
    return response.status_code, _normalised(response.content, ids), location


def _normalised(body: bytes, ids: list[str]) -> bytes:
    text = body.decode(errors="replace")
    for value in ids:
        text = text.replace(value, "<id>")
    text = re.sub(r'csrfmiddlewaretoken" value="[^"]+"', "csrf", text)
    # Flash messages left by an earlier redirect belong to the session, not to this answer.
    text = re.sub(r'<div role="status"><ul class="messages".*?</ul></div>', "", text, flags=re.S)
    return re.sub(r'<ul class="messages".*?</ul>', "", text, flags=re.S).encode()


def run_matrix(world: World) -> Matrix:
    matrix = Matrix()
    clients = {role: world.client(role) for role in ROLES}
    for client in clients.values():
        client.raise_request_exception = False
    headers = {role: world.api_headers(role) for role in ROLES}
    for route in all_routes():
        if route.is_admin_site:
            _run_admin(route, clients, matrix)
            continue
        rule = RULES.get(route.key)
        if rule is None:
            matrix.missing.append(f"{route.key} ({route.pattern})")
            continue
        _run_route(route, rule, world, clients, headers, matrix)
    return matrix


def _probes(route: Route, rule: Rule, world: World) -> list[tuple[str, dict[str, str], frozenset]]:
    """(label, url values, roles allowed) for every way the matrix addresses this route."""
    object_params = [p for p in route.params if p not in rule.values]
    if not object_params:
        return [("-", dict(rule.values), rule.allowed)]
    (param,) = object_params
    out = []
    for probe in rule.probes:
        value = str(getattr(world.objects[probe.key], probe.attr))
        out.append((probe.key, {**rule.values, param: value}, probe.allowed))
    out.append(("random", {**rule.values, param: random_value(route.params[param])}, NOBODY))
    return out


def _run_route(
    route: Route,
    rule: Rule,
    world: World,
    clients: dict[str, Client],
    headers: dict[str, dict[str, str]],
    matrix: Matrix,
) -> None:
    probes = _probes(route, rule, world)
    object_param = next((p for p in route.params if p not in rule.values), None)
    for label, values, allowed in probes:
        url = route.url(**values)
        ids = [v for k, v in values.items() if k not in rule.values]
        for role in ROLES:
            extra = headers[role] if route.is_api else {}
            if object_param and label != "random" and role not in allowed:
                # The same role asks for a random id just before: the answers must be equal.
                fresh = random_value(route.params[object_param])
                random_url = route.url(**{**values, object_param: fresh})
                base_answers = [_answer(clients[role].get(random_url, **extra), [fresh])]
            else:
                base_answers = []
            response = clients[role].get(url, **extra)
            status = response.status_code
            location = response.get("Location", "")
            if status >= 500:
                ok = False
            elif role in rule.per_role and (role in allowed or not rule.probes):
                ok = status in rule.per_role[role]
            elif role in allowed:
                ok = status in rule.ok
            else:
                ok = denial_ok(route, rule, role, status, location)
            leak = role not in allowed and role not in rule.per_role and 200 <= status < 300
            expected = "allowed" if role in allowed else "denied"
            matrix.outcomes.append(
                Outcome(route.key, url, label, role, "GET", status, expected, ok, leak)
            )
            if base_answers and _answer(response, ids) not in base_answers:
                matrix.oracle.append(f"{route.key} {label} as {role}: differs from a random id")
    if not rule.writes:
        return
    before = database_fingerprint()
    for label, values, allowed in probes:
        url = route.url(**values)
        for role in ROLES:
            if role in allowed or role in rule.per_role:
                continue
            extra = headers[role] if route.is_api else {}
            for method in rule.writes:
                response = _request(clients[role], method, url, extra, rule.payload)
                status = response.status_code
                location = response.get("Location", "")
                ok = status < 500 and denial_ok(route, rule, role, status, location, write=True)
                matrix.outcomes.append(
                    Outcome(
                        route.key,
                        url,
                        label,
                        role,
                        method.upper(),
                        status,
                        "denied",
                        ok,
                        200 <= status < 300,
                    )
                )
    if database_fingerprint() != before:
        matrix.changed.append(route.key)


def _run_admin(route: Route, clients: dict[str, Client], matrix: Matrix) -> None:
    values = admin_values(route)
    url = route.url(**values)
    for role in ROLES:
        response = clients[role].get(url)
        status = response.status_code
        ok = status < 500 and admin_expected(route, role, status, response.get("Location", ""))
        leak = role not in STAFF and 200 <= status < 300 and route.key != "admin:login"
        leak = leak and route.key not in {"admin:jsi18n", "admin:logout"}
        matrix.outcomes.append(
            Outcome(route.key, url, "admin", role, "GET", status, "staff", ok, leak)
        )


def write_report(matrix: Matrix) -> dict[str, Any]:
    routes = sorted({o.route for o in matrix.outcomes})
    report = {
        "routes": len(routes),
        "roles": len(ROLES),
        "requests": len(matrix.outcomes),
        "route_role_pairs": len({(o.route, o.role) for o in matrix.outcomes}),
        "leaks": len(matrix.leaks),
        "mismatches": len(matrix.failures),
        "server_errors": sum(1 for o in matrix.outcomes if o.status >= 500),
        "routes_without_expectation": matrix.missing,
        "existence_oracles": matrix.oracle,
        "denied_writes_that_changed_the_database": matrix.changed,
        "failures": [o.__dict__ for o in matrix.failures],
        "matrix": {
            route: {
                role: sorted(
                    {
                        f"{o.method} {o.probe}: {o.status}"
                        for o in matrix.outcomes
                        if o.route == route and o.role == role
                    }
                )
                for role in ROLES
            }
            for route in routes
        },
    }
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(report, indent=1))
    return report


def test_every_route_answers_every_role_as_written_down_with_no_leak(world):
    # given: the whole cast, objects owned by member, other_member, premium and employers A/B
    # when
    matrix = run_matrix(world)
    report = write_report(matrix)
    print(
        f"\npermission matrix: {report['routes']} routes x {report['roles']} roles, "
        f"{report['requests']} requests, leaks {report['leaks']}, "
        f"mismatches {report['mismatches']}, 500s {report['server_errors']} -> {ARTIFACT}"
    )
    # then
    assert matrix.missing == [], f"routes without a written expectation: {matrix.missing}"
    assert matrix.leaks == [], [o.__dict__ for o in matrix.leaks]
    assert matrix.failures == [], [o.__dict__ for o in matrix.failures]
    assert matrix.oracle == []
    assert matrix.changed == []


@pytest.mark.parametrize("path", ["/api/v1/recruiter/candidates/{}/", "/recruiter/candidates/{}/"])
def test_an_employer_cannot_tell_a_hidden_member_from_a_random_id(path, world):
    # given: other_member is not discoverable and never applied to employer A
    hidden = str(world.objects["other_profile"].public_id)
    random_id = str(uuid.uuid4())
    client = world.client("recruiter_a")
    headers = world.api_headers("recruiter_a") if path.startswith("/api/") else {}
    # when
    for_hidden = client.get(path.format(hidden), **headers)
    for_random = client.get(path.format(random_id), **headers)
    # then
    assert for_hidden.status_code == for_random.status_code == 404
    assert _answer(for_hidden, [hidden]) == _answer(for_random, [random_id])
    # and the employer to whom that member applied does see the profile
    b = world.client("recruiter_b")
    b_headers = world.api_headers("recruiter_b") if path.startswith("/api/") else {}
    assert b.get(path.format(hidden), **b_headers).status_code == 200


def test_anonymous_writes_to_any_protected_route_are_refused_and_change_nothing(world):
    # given: every route anonymous may not use, addressed with a real object where it takes one
    client = world.client("anonymous")
    client.raise_request_exception = False
    before = database_fingerprint()
    refused, wrong = 0, []
    # when
    for route in all_routes():
        rule = RULES.get(route.key)
        if route.is_admin_site or rule is None or "anonymous" in rule.allowed:
            continue
        for _label, values, allowed in _probes(route, rule, world)[:1]:
            if "anonymous" in allowed:
                continue
            url = route.url(**values)
            for method in ("post", "delete") if route.is_api else ("post",):
                response = _request(client, method, url, {}, {"anything": "x"})
                location = response.get("Location", "")
                ok = (
                    response.status_code in {401, 403}
                    if route.is_api
                    else response.status_code == 302
                    and location.startswith(("/accounts/login/", "/admin/login/"))
                )
                if ok or response.status_code == 405:
                    refused += 1
                else:
                    wrong.append(f"{method.upper()} {url}: {response.status_code} {location}")
    # then
    print(f"\nanonymous writes refused: {refused}")
    assert refused > 50
    assert wrong == []
    assert database_fingerprint() == before
