"""The verification form: ID details and the two photos (checked again by the service)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from biometrics.models import IdType, Sex

DETAIL_FIELDS = ("id_type", "id_number", "full_name", "date_of_birth", "sex")


class PhotoField(forms.FileField):
    """A photo upload read into bytes, refused early when over ``MAX_UPLOAD_BYTES``.

    No ImageField: the service's ``image_intake`` sniffs, caps and re-encodes the bytes.
    """

    def clean(self, data: Any, initial: Any = None) -> bytes | None:
        upload: UploadedFile | None = super().clean(data, initial)
        if upload is None:
            return None
        if upload.size and upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large. The limit is %(mb)s MB.")
                % {"mb": round(settings.MAX_UPLOAD_BYTES / (1024 * 1024), 1)},
                code="image_too_large",
            )
        return upload.read()


class VerificationForm(forms.Form):
    id_type = forms.ChoiceField(label=_("Type of ID"), choices=IdType.choices)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=40,
        help_text=_("For a KTP, the 16-digit NIK."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    full_name = forms.CharField(label=_("Full name as on the ID"), max_length=200)
    date_of_birth = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    sex = forms.ChoiceField(label=_("Sex as on the ID"), choices=Sex.choices)
    document = PhotoField(
        label=_("Photo of your ID"),
        help_text=_("The whole card, flat and sharp. JPEG, PNG or WebP."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": "image/jpeg,image/png,image/webp",
                "data-preview": "document-preview",
                "data-draft-document": "",
            }
        ),
    )
    selfie = PhotoField(
        label=_("Selfie"),
        required=False,
        help_text=_("Only your face, looking at the camera. Do not hold the ID card."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*", "capture": "user", "data-preview": "selfie-preview"}
        ),
    )
    challenge_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    request_human_review = forms.BooleanField(
        label=_("Ask a person to decide instead of the computer"),
        required=False,
        help_text=_(
            "Your last verification was rejected automatically. If you think that was wrong, a "
            "member of our staff will compare the photos and decide."
        ),
    )

    def __init__(
        self,
        *args: Any,
        challenge: Any = None,
        instructions: list[str] | None = None,
        human_review: bool = False,
        has_document: bool = False,
        **kwargs: Any,
    ) -> None:
        """Add one photo field per liveness step (``frame_1`` ...) when there is a challenge.

        ``has_document``: the member's draft holds an ID photo, so the field is optional.

        The selfie field stays for when liveness is off; with liveness it is dropped (the
        straight frame is the selfie). The human-review box appears only when it may be used.
        """
        super().__init__(*args, **kwargs)
        if has_document:
            # The stepper's draft keeps the ID photo: a new one only replaces it.
            document = self.fields["document"]
            document.required = False
            document.label = _("New photo of your ID (optional)")
            document.help_text = _(
                "We kept the photo of your ID you took before. Choose a new one only to replace it."
            )
        if not human_review:
            del self.fields["request_human_review"]
        self.frame_names: list[str] = []
        self.liveness_steps: list[tuple[str, str]] = []
        if challenge is None:
            return
        self.fields["challenge_id"].initial = challenge.pk
        if settings.BIOMETRICS_LIVENESS_REQUIRED:
            del self.fields["selfie"]
        for step, text in enumerate(instructions or [], start=1):
            name = f"frame_{step}"
            self.frame_names.append(name)
            self.liveness_steps.append((name, text))
            self.fields[name] = PhotoField(
                label=_("Step %(step)d: %(instruction)s") % {"step": step, "instruction": text},
                required=settings.BIOMETRICS_LIVENESS_REQUIRED,
                widget=forms.ClearableFileInput(
                    attrs={"accept": "image/*", "capture": "user", "data-liveness-step": step}
                ),
            )

    def details(self) -> dict[str, Any]:
        """The identity details as posted (raw strings), for the draft to keep what is valid."""
        return {name: self.data.get(name, "") for name in DETAIL_FIELDS if name in self.data}

    def frames(self) -> list[bytes]:
        """The cleaned liveness photos in step order (those given)."""
        return [self.cleaned_data[n] for n in self.frame_names if self.cleaned_data.get(n)]
