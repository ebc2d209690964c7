"""Privacy centre pages: consents, prompts, history and receipts, policies, access log, export,
erasure."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services as account_services
from accounts.requests import AuthenticatedHttpRequest
from config.errors import ApplicationError
from consent import receipts, selectors, services
from consent.client_info import client_info
from consent.forms import BiometricConsentForm, EraseForm

PAGE_SIZE = 25


def _safe_next(request: HttpRequest, name: str = "next") -> str:
    """Return ``next`` (or another parameter) if it points back into this site, else ''."""
    candidate = request.POST.get(name) or request.GET.get(name) or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _json_download(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def centre(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The privacy centre: every purpose with its state and a one-click grant or withdraw."""
    context = {
        "overview": selectors.consent_overview(user=request.user),
        "policy": selectors.policy_current(),
    }
    return render(request, "consent/centre.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def welcome(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Right after sign-up: choose each use of your data, every one switched off to start with.

    Purposes that need an e-signature (biometrics) are explained and linked, not ticked here.
    """
    next_url = _safe_next(request) or reverse("careers:profile")
    overview = selectors.consent_overview(user=request.user)
    tickable = [s for s in overview if not s.purpose.special_category]
    if request.method == "POST":
        chosen = set(request.POST.getlist("purpose"))
        granted = []
        info = client_info(request)
        for status in tickable:
            if status.purpose.code in chosen and not status.granted:
                try:
                    services.consent_grant(
                        user=request.user, purpose=status.purpose.code, method="web", **info
                    )
                except ApplicationError as exc:
                    messages.error(request, exc.message)
                    continue
                granted.append(_(status.purpose.name))
        if granted:
            messages.success(
                request,
                _("Recorded: you allowed %(purposes)s. Change this any time in the privacy centre.")
                % {"purposes": ", ".join(granted)},
            )
        else:
            messages.info(
                request,
                _("Nothing is switched on. You can allow any use later in the privacy centre."),
            )
        return redirect(next_url)
    context = {
        "tickable": tickable,
        "signed": [s for s in overview if s.purpose.special_category],
        "policy": selectors.policy_current(),
        "next": next_url,
    }
    return render(request, "consent/welcome.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def prompt(request: AuthenticatedHttpRequest, purpose: str) -> HttpResponse:
    """Ask for consent: what, why, how long, the policy; biometrics adds an e-signature."""
    purpose_obj = selectors.purpose_get(code=purpose)
    next_url = _safe_next(request)
    back_url = _safe_next(request, "back")
    form = None
    if purpose_obj.special_category:
        form = BiometricConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            services.consent_grant(
                user=request.user,
                purpose=purpose,
                method="web",
                signature=form.cleaned_data["signature"] if form else "",
                **client_info(request),
            )
        except ApplicationError as exc:
            if form is not None and "signature" in exc.fields:
                form.add_error("signature", exc.fields["signature"])
            else:
                messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Thank you. Your consent for “%(purpose)s” is recorded.")
                % {"purpose": _(purpose_obj.name)},
            )
            return redirect(next_url or "consent:centre")
    context = {
        "purpose": purpose_obj,
        "reason": selectors.consent_check(user=request.user, purpose=purpose),
        "policy": selectors.policy_current(),
        "required_policy": selectors.policy_required_for(purpose=purpose),
        "form": form,
        "next": next_url,
        # "Not now" never leads back to the page that asked (it would ask again).
        "back": back_url or reverse("consent:centre"),
    }
    return render(request, "consent/prompt.html", context)


@login_required
@require_POST
def withdraw(request: AuthenticatedHttpRequest, purpose: str) -> HttpResponse:
    """Withdraw in one click; tell the member what happened (e.g. which employers had access)."""
    purpose_obj = selectors.purpose_get(code=purpose)
    info = client_info(request)
    try:
        _event, notes = services.consent_withdraw(
            user=request.user, purpose=purpose, method="web", **info
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("You withdrew your consent for “%(purpose)s”. We stopped this processing.")
            % {"purpose": _(purpose_obj.name)},
        )
        for note in notes:
            messages.info(request, note)
    return redirect("consent:centre")


@login_required
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every consent the member gave or withdrew, with a receipt per grant."""
    page = Paginator(selectors.consent_history(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "consent/history.html", {"page": page})


def base_url(request: HttpRequest) -> str:
    """Scheme and host serving this request, for links in receipts ("https://example.org")."""
    return request.build_absolute_uri("/").rstrip("/")


@login_required
def receipt(request: AuthenticatedHttpRequest, event_id: str) -> HttpResponse:
    """Download the consent receipt (Kantara v1.1 JSON) of one of the member's own events."""
    data = selectors.consent_receipt_get(
        user=request.user, event_id=event_id, base_url=base_url(request)
    )
    return _json_download(data, f"consent-receipt-{data['consentReceiptID']}.json")


@login_required
def receipt_page(request: AuthenticatedHttpRequest, event_id: str) -> HttpResponse:
    """The same receipt as a page a person can read and print."""
    event = selectors.consent_event_get(user=request.user, event_id=event_id)
    data = selectors.consent_receipt_get(
        user=request.user, event_id=event.pk, base_url=base_url(request)
    )
    context = {
        "event": event,
        "receipt": data,
        "purpose": data["services"][0]["purposes"][0],
        "controller": data["piiControllers"][0],
        "effective_date": receipts.policy_effective_date(event.policy_version),
    }
    return render(request, "consent/receipt.html", context)


def policies(request: HttpRequest) -> HttpResponse:
    """Every privacy policy version in effect now or before, with full text and what changed."""
    return render(request, "consent/policies.html", {"policies": selectors.policy_list()})


@login_required
def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who accessed the member's sensitive data, newest first."""
    page = Paginator(selectors.access_log_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "consent/access_log.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Explain the export (GET); download everything held about the member as JSON (POST)."""
    if request.method == "POST":
        data = services.member_export_create(user=request.user, method="web")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        return _json_download(data, f"my-data-{stamp}.json")
    return render(request, "consent/export.html")


@login_required
@require_http_methods(["GET", "POST"])
def erase(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Confirm with the password, then erase the account and sign out."""
    form = EraseForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        account_services.account_erase(user=request.user, method="web")
        logout(request)
        messages.success(
            request,
            _(
                "Your account and your personal data are deleted. We keep only pseudonymous "
                "proof of the consents you gave."
            ),
        )
        return redirect(reverse("home"))
    return render(request, "consent/erase.html", {"form": form})
