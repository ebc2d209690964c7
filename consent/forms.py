"""Forms of the privacy centre: the biometric e-signature and the erasure confirmation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


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

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password
