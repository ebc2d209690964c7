"""Forms of the privacy centre: the biometric e-signature and the erasure confirmation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class BiometricConsentForm(forms.Form):
    """Explicit, separate biometric consent: read the notice, then sign by typing a full name."""

    understood = forms.BooleanField(
        label=_(
            "I have read what is collected, why, and how long it is kept, and I agree to the "
            "collection and use of my biometric information for these purposes."
        ),
    )
    signature = forms.CharField(
        label=_("Type your full name to sign"),
        max_length=200,
        min_length=2,
        help_text=_("Your typed name is your electronic signature of this written release."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class EraseForm(forms.Form):
    """Confirm erasure with the password, so an unattended session cannot delete the account."""

    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and my data will be deleted and cannot be restored.")
    )

    def __init__(self, *args: Any, user: User, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self) -> str:
        from accounts.services import password_confirm

        password = self.cleaned_data["password"]
        # Wrong guesses count towards the sign-in lockout (a stolen session is no oracle).
        password_confirm(user=self.user, password=password, request=self.request)
        return password
