"""Account forms: sign-up, sign-in (with lockout message), employer invitations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.employer_keys import domain_key
from accounts.lockout import lockout_message, login_is_locked, password_confirm
from accounts.models import EmployerMembership, User
from config.throttling import rate_limit_allows


class SignUpForm(forms.Form):
    """Create an account: e-mail, display name, password twice."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    display_name = forms.CharField(label=_("Display name"), max_length=120)
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class SignInForm(forms.Form):
    """Sign in by e-mail and password; says when the address is locked out."""

    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email, password = data.get("email"), data.get("password")
        if not email or not password:
            return data
        if login_is_locked(email=email, request=self.request):
            raise ValidationError(lockout_message(), code="locked")
        user = authenticate(self.request, email=email, password=password)
        if user is None:
            raise ValidationError(_("E-mail address or password is wrong."), code="invalid_login")
        self.user = user
        return data


class EmailPasswordResetForm(PasswordResetForm):
    """Password reset that finds users by e-mail case-insensitively.

    At most ``password_reset_email`` mails per address and hour, whoever asks: over it, no mail
    goes out and the page says the same as always (no oracle, no mail-bombing a member).
    """

    def get_users(self, email: str) -> Iterator[User]:
        if rate_limit_allows("password_reset_email", None, key=email.strip().lower()):
            return iter(())
        return (
            u
            for u in User.objects.filter(email__iexact=email, is_active=True)
            if u.has_usable_password()
        )


class LockoutPasswordChangeForm(PasswordChangeForm):
    """Django's password change; wrong old passwords count towards the sign-in lockout."""

    def __init__(self, user: User, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        password_confirm(user=self.user, password=old_password, request=self.request)
        return old_password


class InvitationForm(forms.Form):
    """An owner invites a recruiter (or co-owner) by e-mail."""

    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=EmployerMembership.Role.choices,
        initial=EmployerMembership.Role.RECRUITER,
    )


class EmployerForm(forms.Form):
    """Register a new employer organisation."""

    name = forms.CharField(label=_("Employer name"), max_length=200)
    domain = forms.CharField(
        label=_("Website domain"), max_length=253, help_text=_("For example: example.co.id")
    )

    def clean_domain(self) -> str:
        domain = domain_key(self.cleaned_data["domain"])
        if not domain:
            raise ValidationError(_("Enter a domain such as example.co.id."))
        return domain
