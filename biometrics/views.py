"""Member pages: start (what is missing, or the form), and a case's self-updating status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from biometrics import selectors, services
from biometrics.forms import VerificationForm
from biometrics.models import HUMAN_REVIEW_REASONS, Verification
from biometrics.reasons import decision_message
from config.errors import ApplicationError
from consent.exceptions import ConsentRequired
from consent.purposes import PurposeCode


def _consent_url() -> str:
    try:
        url = reverse("consent:prompt", args=[PurposeCode.BIOMETRIC_VERIFICATION.value])
    except NoReverseMatch:
        url = "/privacy/"
    return f"{url}?next={reverse('biometrics:start')}"


def _challenge_for_page(request: HttpRequest) -> tuple[object | None, list[str]]:
    """Issue the liveness challenge the form shows; None (with a message) if refused."""
    try:
        challenge = services.liveness_challenge_issue(user=request.user)
    except ConsentRequired:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return None, []
    return challenge, services.liveness_challenge_instructions(challenge=challenge)


def _form(request: HttpRequest, *, data: object = None, files: object = None) -> VerificationForm:
    challenge, instructions = _challenge_for_page(request)
    return VerificationForm(
        data,
        files,
        challenge=challenge,
        instructions=instructions,
        human_review=services.human_review_available(user=request.user),
    )


@login_required
@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """Explain verification; show what is missing (premium, consent), the badge, or the form.

    The form carries a liveness challenge issued when the page is rendered (one photo field
    per pose, so it works without JavaScript; static/biometrics/liveness.js adds the camera).
    """
    eligibility = selectors.verification_eligibility(user=request.user)
    form: VerificationForm | None = None
    status = 200
    if request.method == "POST":
        challenge = selectors.liveness_challenge_get_for_member(
            user=request.user, challenge_id=request.POST.get("challenge_id")
        )
        form = VerificationForm(
            request.POST,
            request.FILES,
            challenge=challenge,
            instructions=(
                services.liveness_challenge_instructions(challenge=challenge) if challenge else []
            ),
            human_review=services.human_review_available(user=request.user),
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                verification = services.verification_submit(
                    user=request.user,
                    id_type=data["id_type"],
                    id_number=data["id_number"],
                    full_name=data["full_name"],
                    date_of_birth=data["date_of_birth"],
                    sex=data["sex"],
                    document=data["document"],
                    selfie=data.get("selfie"),
                    challenge_id=data.get("challenge_id"),
                    frames=form.burst_frames(),
                    frame_times=form.burst_times(),
                    request_human_review=bool(data.get("request_human_review")),
                    no_camera=bool(data.get("no_camera")),
                )
            except ConsentRequired:
                raise  # consent.middleware sends the member to the consent prompt
            except ApplicationError as exc:
                if "challenge_id" in exc.fields:
                    # Used or expired: the photos must be taken again for new instructions.
                    messages.error(request, exc.fields["challenge_id"][0])
                    form = _form(request)
                else:
                    for name, errors in exc.fields.items():
                        form.add_error(name if name in form.fields else None, errors)
                    if not exc.fields:
                        messages.error(request, exc.message)
            else:
                messages.success(request, _("Thank you. We are checking your photos now."))
                return redirect("biometrics:status", verification_id=verification.pk)
        status = 400
    elif eligibility.can_submit:
        form = _form(request)
    context = {
        "eligibility": eligibility,
        "form": form or VerificationForm(),
        "consent_url": _consent_url(),
        "history": selectors.verification_list_for_member(user=request.user)[:5],
    }
    return render(request, "biometrics/start.html", context, status=status)


def _status_payload(verification: Verification) -> dict[str, object]:
    message, next_step = decision_message(
        status=verification.status,
        reason_code=verification.reason_code,
        liveness=verification.liveness,
        document=verification.document_check,
    )
    return {
        "id": str(verification.pk),
        "status": verification.status,
        "status_label": str(verification.get_status_display()),
        "reason_code": verification.reason_code or None,
        "message": message,
        "next_step": next_step,
        "final": verification.is_final,
        "human_review_offered": verification.status == "rejected"
        and verification.reason_code in HUMAN_REVIEW_REASONS
        and verification.decided_by_id is None,
    }


@login_required
@never_cache
def status(request: HttpRequest, verification_id: str) -> HttpResponse:
    """One case: progress until a decision, then the decision in plain language."""
    verification = selectors.verification_get_for_member(
        user=request.user, verification_id=verification_id
    )
    context = {"verification": verification, "payload": _status_payload(verification)}
    return render(request, "biometrics/status.html", context)


@login_required
@never_cache
def status_json(request: HttpRequest, verification_id: str) -> JsonResponse:
    """The status page polls this until the case is decided."""
    verification = selectors.verification_get_for_member(
        user=request.user, verification_id=verification_id
    )
    return JsonResponse(_status_payload(verification))
