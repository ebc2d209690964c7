"""Member pages: start (what is missing, or the form), and a case's self-updating status."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from biometrics import drafts, selectors, services
from biometrics.forms import DETAIL_FIELDS, VerificationForm
from biometrics.models import ReasonCode, Verification, VerificationDraft
from biometrics.nik import PROVINCES
from biometrics.reasons import decision_message, failed_step
from config.api_errors import error_body
from config.errors import ApplicationError
from consent.exceptions import ConsentRequired
from consent.purposes import PurposeCode

if TYPE_CHECKING:
    from accounts.models import User


def _member(request: HttpRequest) -> User:
    """The signed-in member: every view here requires login (``login_required``)."""
    return cast("User", request.user)


def _consent_url() -> str:
    try:
        url = reverse("consent:prompt", args=[PurposeCode.BIOMETRIC_VERIFICATION.value])
    except NoReverseMatch:
        url = "/privacy/"
    return f"{url}?next={reverse('biometrics:start')}"


def _challenge_for_page(request: HttpRequest) -> tuple[object | None, list[str]]:
    """Issue the liveness challenge the form shows; None (with a message) if refused."""
    try:
        challenge = services.liveness_challenge_issue(user=_member(request))
    except ConsentRequired:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return None, []
    return challenge, services.liveness_challenge_instructions(challenge=challenge)


def _draft_initial(draft: VerificationDraft | None) -> dict[str, object]:
    if draft is None:
        return {}
    return {
        name: getattr(draft, name)
        for name in DETAIL_FIELDS
        if getattr(draft, name) not in (None, "")
    }


def _form(request: HttpRequest, *, draft: VerificationDraft | None) -> VerificationForm:
    challenge, instructions = _challenge_for_page(request)
    form = VerificationForm(
        initial=_draft_initial(draft),
        challenge=challenge,
        instructions=instructions,
        human_review=services.human_review_available(user=_member(request)),
        has_document=bool(draft and draft.has_document),
    )
    form.challenge = challenge
    return form


def _first_step(form: VerificationForm, draft: VerificationDraft | None, asked: str) -> int:
    """The step the stepper opens on: the first with an error, else where the member was."""
    if form.is_bound and form.errors:
        for step, names in enumerate(STEP_FIELDS, start=1):
            if any(name in form.errors for name in names(form)):
                return step
        return 4
    if asked.isdigit() and 1 <= int(asked) <= 4:
        return int(asked)
    if draft is None or any(not getattr(draft, name) for name in DETAIL_FIELDS):
        return 1
    return 3 if draft.has_document else 2


STEP_FIELDS = (
    lambda form: DETAIL_FIELDS,
    lambda form: ("document",),
    lambda form: ("selfie", "challenge_id", "frames", "frame_times", "no_camera"),
    lambda form: ("request_human_review",),
)


def _submit(
    request: HttpRequest, draft: VerificationDraft | None
) -> HttpResponse | VerificationForm:
    """Keep what is valid in the draft, then submit it; return the redirect or the form."""
    challenge = selectors.liveness_challenge_get_for_member(
        user=_member(request), challenge_id=request.POST.get("challenge_id")
    )
    form = VerificationForm(
        request.POST,
        request.FILES,
        challenge=challenge,
        instructions=(
            services.liveness_challenge_instructions(challenge=challenge) if challenge else []
        ),
        human_review=services.human_review_available(user=_member(request)),
        has_document=bool(draft and draft.has_document),
    )
    form.challenge = challenge
    valid = form.is_valid()
    document = form.cleaned_data.get("document") if "document" not in form.errors else None
    # Every valid value and the photo are kept, whatever else is wrong.
    try:
        saved = drafts.verification_draft_save(
            user=_member(request), details=form.details(), document=document
        )
    except ConsentRequired:
        raise
    except ApplicationError as exc:  # e.g. the daily limit: nothing is kept or sent
        messages.error(request, exc.message)
        return form
    for name, errors in saved.errors.items():
        if name not in form.errors:
            form.add_error(name, errors)
    if form.errors or not valid:
        return _rebound(form, saved.draft)
    data = form.cleaned_data
    try:
        verification = drafts.verification_draft_submit(
            user=_member(request),
            selfie=data.get("selfie"),
            challenge_id=data.get("challenge_id"),
            frames=form.burst_frames(),
            frame_times=form.burst_times(),
            no_camera=bool(data.get("no_camera")),
            request_human_review=bool(data.get("request_human_review")),
        )
    except ConsentRequired:
        raise  # consent.middleware sends the member to the consent prompt
    except ApplicationError as exc:
        if "challenge_id" in exc.fields:
            # Used or expired: new instructions; the details and the ID photo stay.
            messages.error(request, _challenge_renewed_message())
            return _form(request, draft=saved.draft)
        for name, errors in exc.fields.items():
            form.add_error(name if name in form.fields else None, errors)
        if not exc.fields:
            messages.error(request, exc.message)
        return _rebound(form, saved.draft)
    # No flash: the status page says what is happening, and the decision replaces it.
    return redirect("biometrics:status", verification_id=verification.pk)


def _rebound(form: VerificationForm, draft: VerificationDraft) -> VerificationForm:
    """The posted form, with the photo field optional once the draft keeps a photo."""
    if draft.has_document:
        field = form.fields["document"]
        field.required = False
        field.label = _("New photo of your ID (optional)")
        field.help_text = _(
            "We kept the photo of your ID you took before. Choose a new one only to replace it."
        )
        # its label was read when cleaned (Django keeps bound fields in a private cache)
        getattr(form, "_bound_fields_cache", {}).pop("document", None)
    return form


def _challenge_renewed_message() -> str:
    return _(
        "The liveness instructions expired, so here are new ones. Your details and the photo "
        "of your ID are kept: take only the liveness photos again."
    )


@login_required
@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """Explain verification; show what is missing (premium, consent), the badge, or the stepper.

    The stepper is one form in four steps (details, ID photo, liveness, review): without
    JavaScript it is one long form; static/biometrics/biometrics.js shows one step at a time
    and keeps the draft up to date. The form carries a liveness challenge issued when the page
    is rendered.
    """
    eligibility = selectors.verification_eligibility(user=_member(request))
    form: VerificationForm | None = None
    draft = selectors.verification_draft_for_member(user=_member(request))
    status = 200
    if request.method == "POST":
        if not eligibility.can_submit:
            if eligibility.consent_reason:  # consent.middleware sends them to the prompt
                raise ConsentRequired(
                    PurposeCode.BIOMETRIC_VERIFICATION.value, eligibility.consent_reason
                )
            return redirect("biometrics:start")
        outcome = _submit(request, draft)
        if isinstance(outcome, HttpResponse):
            return outcome
        form = outcome
        draft = selectors.verification_draft_for_member(user=_member(request))
        status = 400
    elif eligibility.can_submit:
        if request.GET.get("renewed"):
            messages.info(request, _challenge_renewed_message())
        form = _form(request, draft=draft)
    form = form or VerificationForm()
    challenge = getattr(form, "challenge", None)
    seconds_left = (
        max(int((challenge.expires_at - timezone.now()).total_seconds()), 0) if challenge else None
    )
    context = {
        "eligibility": eligibility,
        "form": form,
        "challenge": challenge,
        "challenge_seconds_left": seconds_left,
        "draft": draft,
        "first_step": _first_step(form, draft, request.GET.get("step", "")),
        "detail_fields": [form[name] for name in DETAIL_FIELDS if name in form.fields],
        "nik_provinces": sorted(PROVINCES),
        "attempts_left": selectors.lock_attempts_left(user=_member(request)),
        "consent_url": _consent_url(),
        "history": selectors.verification_list_for_member(user=_member(request))[:5],
    }
    return render(request, "biometrics/start.html", context, status=status)


def _draft_payload(saved: drafts.DraftSaved) -> dict[str, object]:
    return {
        "errors": saved.errors,
        "codes": saved.codes,
        "has_document": saved.draft.has_document,
        "document_url": reverse("biometrics:draft-document") if saved.draft.has_document else None,
        "read": saved.read,
    }


@login_required
@never_cache
@require_POST
def draft_save(request: HttpRequest) -> JsonResponse:
    """The stepper saves each step here: valid values are kept, errors returned per field.

    A new ID photo (``document``) is kept encrypted and, with ``read=1``, read to offer a
    prefill. 400 with ``errors`` when a field was not kept; refusals as JSON ``code``/``message``.
    """
    form = VerificationForm(request.POST, request.FILES)
    document = None
    if request.FILES.get("document") is not None:
        field = form.fields["document"]
        try:
            document = field.clean(request.FILES["document"])
        except forms.ValidationError as exc:
            return JsonResponse(
                {"errors": {"document": list(exc.messages)}, "codes": {}, "read": None},
                status=400,
            )
    try:
        saved = drafts.verification_draft_save(
            user=_member(request),
            details=form.details(),
            document=document,
            read_document=request.POST.get("read") == "1",
        )
    except ApplicationError as exc:
        return JsonResponse(
            error_body(exc.code, str(exc.message), exc.fields, **exc.extra),
            status=exc.status_code,
        )
    return JsonResponse(_draft_payload(saved), status=400 if saved.errors else 200)


@login_required
@never_cache
def draft_document(request: HttpRequest) -> HttpResponse:
    """The member's own draft ID photo, for the stepper's preview (never cached, never shared)."""
    draft = selectors.verification_draft_for_member(user=_member(request))
    photo = drafts.verification_draft_document(draft=draft) if draft else None
    if photo is None:
        raise Http404
    response = HttpResponse(photo, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def draft_delete(request: HttpRequest) -> HttpResponse:
    """ "Start again": delete the draft and its ID photo."""
    with transaction.atomic():
        deleted = drafts.verification_draft_delete(user=_member(request))
    if deleted:
        messages.success(request, _("We deleted what you had entered and the photo of your ID."))
    return redirect("biometrics:start")


def _status_payload(verification: Verification) -> dict[str, object]:
    message, next_step = decision_message(
        status=verification.status,
        reason_code=verification.reason_code,
        liveness=verification.liveness,
        document=verification.document_check,
    )
    step = failed_step(status=verification.status, reason_code=verification.reason_code)
    attempts_left = None  # face mismatches left before the lock; 0 once locked
    if verification.reason_code == ReasonCode.FACE_MISMATCH and verification.is_final:
        left = selectors.lock_attempts_left(user=verification.user)
        attempts_left = 0 if left is None else left
    return {
        "id": str(verification.pk),
        "status": verification.status,
        "status_label": str(verification.get_status_display()),
        "reason_code": verification.reason_code or None,
        "message": message,
        "next_step": next_step,
        "final": verification.is_final,
        "failed_step": step[0] if step else None,
        "failed_step_name": step[1] if step else None,
        # face mismatches left before the lock; 0 once locked (None when not relevant)
        "attempts_left": attempts_left,
        "human_review_offered": services.review_request_open(verification=verification),
    }


@login_required
@never_cache
def status(request: HttpRequest, verification_id: str) -> HttpResponse:
    """One case: progress until a decision, then the decision in plain language."""
    verification = selectors.verification_get_for_member(
        user=_member(request), verification_id=verification_id
    )
    context = {"verification": verification, "payload": _status_payload(verification)}
    return render(request, "biometrics/status.html", context)


@login_required
@never_cache
def status_json(request: HttpRequest, verification_id: str) -> JsonResponse:
    """The status page polls this until the case is decided."""
    verification = selectors.verification_get_for_member(
        user=_member(request), verification_id=verification_id
    )
    return JsonResponse(_status_payload(verification))


@login_required
@require_POST
def review_request(request: HttpRequest, verification_id: str) -> HttpResponse:
    """ "Ask a person to decide": the rejected case goes to a person with the photos it has."""
    try:
        services.verification_review_request(user=_member(request), verification_id=verification_id)
    except ConsentRequired:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("biometrics:status", verification_id=verification_id)
