"""Errors raised by the consent guard."""

from __future__ import annotations

from django.utils.translation import gettext as _

from config.errors import PermissionRefused


class ConsentRequired(PermissionRefused):
    """Processing for ``purpose`` is not allowed: consent is missing, withdrawn or outdated.

    The API answers 403 ``consent_required`` naming the purpose; HTML pages send the member to
    the privacy centre with a prompt (``consent.middleware``).
    """

    code = "consent_required"

    def __init__(self, purpose: str, reason: str) -> None:
        messages = {
            "missing": _("This needs your consent for “%(purpose)s”."),
            "withdrawn": _("You withdrew your consent for “%(purpose)s”."),
            "policy_updated": _(
                "Our privacy policy changed for “%(purpose)s”. Please review and accept it."
            ),
        }
        from consent.purposes import PurposeCode

        label = PurposeCode(purpose).label if purpose in PurposeCode.values else purpose
        super().__init__(
            messages.get(reason, messages["missing"]) % {"purpose": label},
            extra={"purpose": purpose, "reason": reason},
        )
        self.purpose = purpose
        self.reason = reason
