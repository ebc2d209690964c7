"""Account pages: sign up, sign in and out, account, demo premium, employers and invitations."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import (
    EmployerForm,
    InvitationForm,
    LockoutPasswordChangeForm,
    SignInForm,
    SignUpForm,
)
from accounts.models import User
from accounts.requests import AuthenticatedHttpRequest
from config.errors import ApplicationError
from config.throttling import rate_limited


def _apply_form_errors(form: SignUpForm | EmployerForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _next_url(request: HttpRequest, default: str = "accounts:account") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return default


@rate_limited("sign_up")
def signup(request: HttpRequest) -> HttpResponse:
    """Create an account and sign in."""
    if request.user.is_authenticated:
        return redirect("accounts:account")
    # Signing up from an employer invitation: the invited address is filled in.
    invitation = services.invitation_find(token=request.GET.get("invitation", "")[:100])
    initial = {"email": invitation.email} if invitation else {}
    form = SignUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
                language=getattr(request, "LANGUAGE_CODE", "en"),
            )
        except ValidationError as exc:
            _apply_form_errors(form, exc)
        else:
            login(request, user, backend="accounts.backends.EmailBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            # Next: choose consents, all off to start with, then on to where the member was going.
            welcome = reverse("consent:welcome")
            return redirect(f"{welcome}?{urlencode({'next': _next_url(request, '/profile/')})}")
    return render(request, "accounts/signup.html", {"form": form})


@rate_limited("sign_in")
def signin(request: HttpRequest) -> HttpResponse:
    """Sign in by e-mail and password."""
    form = SignInForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid() and form.user is not None:
        login(request, form.user, backend="accounts.backends.EmailBackend")
        messages.success(request, _("You are signed in."))
        return redirect(_next_url(request))
    return render(
        request, "registration/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only, so a link cannot sign anyone out)."""
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("home")


@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The member's account: premium status, employers, invitations."""
    user = request.user
    memberships = list(selectors.employer_memberships(user=user))
    owned = [m.employer for m in memberships if m.role == "owner"]
    context = {
        "premium": selectors.premium_status(user=user),
        "memberships": memberships,
        "invitations": {
            e.pk: list(selectors.employer_pending_invitations(employer=e)) for e in owned
        },
        "invitation_form": InvitationForm(),
        "employer_form": EmployerForm(),
        "tokens": selectors.api_tokens_for(user=user),
        "token_idle_days": settings.API_TOKEN_IDLE_DAYS,
        "token_max_days": settings.API_TOKEN_MAX_AGE_DAYS,
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def premium_demo(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Activate a demo premium (local settings only)."""
    try:
        services.premium_activate_demo(user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Premium is active for 30 days."))
    return redirect("accounts:account")


@login_required
@require_POST
def employer_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Register an employer with the signed-in user as its owner."""
    form = EmployerForm(request.POST)
    if form.is_valid():
        try:
            employer = services.employer_create(
                name=form.cleaned_data["name"],
                domain=form.cleaned_data["domain"],
                owner=request.user,
            )
        except ValidationError as exc:
            _apply_form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": employer.name})
            return redirect("accounts:account")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return redirect("accounts:account")


@login_required
@require_POST
def employer_invite(request: AuthenticatedHttpRequest, employer_id: str) -> HttpResponse:
    """An owner invites someone by e-mail."""
    employer = selectors.employer_get_for_member(
        user=request.user, employer_id=employer_id, owner_only=True
    )
    form = InvitationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("accounts:account")
    try:
        services.employer_invite(
            employer=employer,
            inviter=request.user,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            site_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, str(error))
    else:
        messages.success(
            request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
        )
    if request.POST.get("next") == "team":
        return redirect("accounts:employer-team", employer_id=employer.pk)
    return redirect("accounts:account")


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Show an invitation; accept it when signed in with the invited address."""
    invitation = services.invitation_find(token=token)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("You joined %(employer)s.") % {"employer": membership.employer.name}
            )
            return redirect("accounts:account")
    return render(
        request,
        "accounts/invitation.html",
        {"invitation": invitation, "token": token},
        status=200 if invitation else 404,
    )


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, token_id: str) -> HttpResponse:
    """Revoke one of the member's API tokens (404 for anyone else's)."""
    services.api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("The API token is revoked: clients using it are signed out."))
    return redirect("accounts:account")


@login_required
@require_POST
def tokens_revoke_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Revoke every API token of the member."""
    count = services.api_tokens_revoke_all(user=request.user)
    messages.success(
        request,
        _("%(count)d API token(s) revoked: every API client is signed out.") % {"count": count},
    )
    return redirect("accounts:account")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password: other browsers and every API token are signed out."""

    form_class = LockoutPasswordChangeForm

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)  # keeps this browser signed in
        services.user_password_changed(
            user=form.user,
            keep_session_key=self.request.session.session_key,
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from a reset link: every session and API token is signed out."""

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        response = super().form_valid(form)
        services.user_password_changed(user=form.user)
        return response
