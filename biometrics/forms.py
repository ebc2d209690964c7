"""The verification form: ID details and the two photos (checked again by the service)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from biometrics import liveness_burst
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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class BurstField(forms.FileField):
    """The liveness recording: many JPEG frames in one multipart field, in capture order."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[bytes]:
        uploads = list(data) if isinstance(data, list | tuple) else ([data] if data else [])
        if len(uploads) > liveness_burst.MAX_FRAMES:
            raise forms.ValidationError(
                _("The recording has too many frames. The limit is %(n)d.")
                % {"n": liveness_burst.MAX_FRAMES},
                code="frames_count",
            )
        frames = []
        for upload in uploads:
            if upload.size and upload.size > liveness_burst.MAX_FRAME_BYTES:
                raise forms.ValidationError(
                    _("A frame of the recording is too large. The limit is %(kb)d KB a frame.")
                    % {"kb": liveness_burst.MAX_FRAME_BYTES // 1024},
                    code="image_too_large",
                )
            frames.append(upload.read())
        return frames


class FrameTimesField(forms.CharField):
    """Capture times of the frames, epoch milliseconds, comma-separated (filled by the page)."""

    # A CharField whose clean value is the list of times, not the text: the override is the point.
    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return []
        try:
            times = [int(part) for part in text.split(",")]
        except ValueError:
            raise forms.ValidationError(
                _("The capture times of the recording are not valid."), code="frame_times_invalid"
            ) from None
        if len(times) > liveness_burst.MAX_FRAMES or any(t < 0 or t > 2**53 for t in times):
            raise forms.ValidationError(
                _("The capture times of the recording are not valid."), code="frame_times_invalid"
            )
        return times


class VerificationForm(forms.Form):
    # The liveness challenge the page shows (a LivenessChallenge), set by the view.
    challenge: Any = None

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
    frames = BurstField(
        required=False,
        label=_("Liveness recording"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg", "data-liveness-frames": ""}),
    )
    frame_times = FrameTimesField(
        required=False,
        max_length=1200,
        widget=forms.HiddenInput(attrs={"data-liveness-times": ""}),
    )
    no_camera = forms.BooleanField(
        label=_("I have no camera: ask a person to check my selfie instead"),
        required=False,
        help_text=_(
            "A member of our staff compares your selfie with your ID photo and decides. This "
            "takes longer than the camera check."
        ),
    )
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
        """Add the liveness recording when there is a challenge.

        ``has_document``: the member's draft holds an ID photo, so the field is optional.

        The recording (``frames`` and ``frame_times``) is filled by the capture widget
        (biometrics/static/biometrics/liveness.js). The selfie stays for when liveness is off,
        and for a member without a camera (``no_camera``: a person then decides). The
        human-review box appears only when it may be used.
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
        self.liveness_steps: list[tuple[str, str]] = []
        self.liveness_poses: list[str] = []
        self.liveness_expires_at: Any = None
        self.liveness_timing: dict[str, int] = {}
        self.liveness_light = ""  # the light challenge's JSON for the page, "" if none
        if challenge is None or not settings.BIOMETRICS_LIVENESS_REQUIRED:
            del self.fields["no_camera"]
        if challenge is None:
            del self.fields["frames"]
            del self.fields["frame_times"]
            return
        self.fields["challenge_id"].initial = challenge.pk
        self.liveness_poses = list(getattr(challenge, "poses", []))
        self.liveness_expires_at = getattr(challenge, "expires_at", None)
        self.liveness_timing = {
            "step_ms": round(liveness_burst.CAPTURE_STEP_SECONDS * 1000),
            "lead_ms": round(liveness_burst.CAPTURE_LEAD_IN_SECONDS * 1000),
            "fps": liveness_burst.CAPTURE_FPS,
            "width": liveness_burst.CAPTURE_WIDTH,
            "max_frames": liveness_burst.MAX_FRAMES,
        }
        light = getattr(challenge, "light", None)
        if isinstance(light, dict):
            self.liveness_light = json.dumps(light, separators=(",", ":"))
        if settings.BIOMETRICS_LIVENESS_REQUIRED:
            self.fields["selfie"].help_text = _(
                "Only if you have no camera: your face, looking at the camera, without the ID."
            )
        for step, text in enumerate(instructions or [], start=1):
            self.liveness_steps.append((f"step_{step}", text))

    def details(self) -> dict[str, Any]:
        """The identity details as posted (raw strings), for the draft to keep what is valid."""
        return {name: self.data.get(name, "") for name in DETAIL_FIELDS if name in self.data}

    # Rendered by the capture partial (biometrics/liveness_capture.html), not by form_snippet.
    CAPTURE_FIELDS = ("frames", "frame_times", "no_camera")

    def _capture_fields(self) -> set[str]:
        names = set(self.CAPTURE_FIELDS)
        if self.liveness_steps and settings.BIOMETRICS_LIVENESS_REQUIRED:
            names.add("selfie")  # offered in the partial to a member without a camera
        return names

    def visible_fields(self) -> list[Any]:
        """The fields form_snippet renders: the capture partial renders its own."""
        skip = self._capture_fields()
        return [field for field in super().visible_fields() if field.name not in skip]

    def hidden_fields(self) -> list[Any]:
        skip = self._capture_fields()
        return [field for field in super().hidden_fields() if field.name not in skip]

    def burst_frames(self) -> list[bytes]:
        """The cleaned recording's frames in capture order (empty without a recording)."""
        return list(self.cleaned_data.get("frames") or [])

    def burst_times(self) -> list[int]:
        """The frames' capture times, epoch milliseconds."""
        return list(self.cleaned_data.get("frame_times") or [])
