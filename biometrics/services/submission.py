"""Submission: check a member's details and photos, store them encrypted, queue the case."""

from __future__ import annotations

import logging
import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from biometrics import liveness_burst
from biometrics.image_intake import CleanImage, ImageRejected, image_intake
from biometrics.models import IdType, LivenessChallenge, Sex, Verification, VerificationImage
from biometrics.nik import NikError, id_number_validate
from biometrics.private_files import StoredFile, encrypted_file_write, files_delete
from biometrics.services import processing
from biometrics.services.challenges import (
    CHALLENGE_ERRORS,
    challenge_problem,
    challenge_redeem,
)
from biometrics.services.limits import (
    check_can_submit,
    human_review_available,
    lock_row,
    verification_precheck,
)
from biometrics.services.retention import review_offers_close
from config.encryption import lookup_hash
from config.errors import ApplicationError

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# Our ID types -> the engine's (biometrics.nik) names.
_ENGINE_ID_TYPES = {
    IdType.KTP: "nik",
    IdType.PASSPORT: "passport",
    IdType.DRIVING_LICENCE: "driving_licence",
}


def _validate_fields(
    *, id_type: str, id_number: str, full_name: str, date_of_birth: Any, sex: str
) -> tuple[str, str, dict[str, list[str]], dict[str, str]]:
    errors: dict[str, list[str]] = {}
    codes: dict[str, str] = {}
    if id_type not in IdType.values:
        errors["id_type"] = [_("Choose the type of your ID.")]
    if sex not in Sex.values:
        errors["sex"] = [_("Choose your sex as written on your ID.")]
    name = " ".join(str(full_name or "").split())
    if not 2 <= len(name) <= 200:
        errors["full_name"] = [_("Enter your full name as written on your ID.")]
    if not isinstance(date_of_birth, date) or date_of_birth > timezone.localdate():
        errors["date_of_birth"] = [_("Enter your date of birth.")]
    number = ""
    if not isinstance(id_number, str) or not id_number.strip():
        errors["id_number"] = [_("Enter your ID number.")]
    elif not errors.keys() & {"id_type", "sex", "date_of_birth"}:
        try:
            number = id_number_validate(
                _ENGINE_ID_TYPES[IdType(id_type)], id_number, birth_date=date_of_birth, sex=sex
            )
        except NikError as exc:
            errors["id_number"] = [str(exc.message)]
            codes["id_number"] = exc.code
    return number, name, errors, codes


def _intake(raw: Any, field_name: str, errors: dict, codes: dict) -> CleanImage | None:
    if not isinstance(raw, bytes | bytearray):
        errors[field_name] = [_("Upload a photo.")]
        return None
    try:
        return image_intake(
            bytes(raw), max_bytes=settings.MAX_UPLOAD_BYTES, max_pixels=settings.MAX_IMAGE_PIXELS
        )
    except ImageRejected as exc:
        errors[field_name] = [str(exc.message)]
        codes[field_name] = exc.code
        return None


def _burst_intake(
    frames: list[bytes],
    frame_times: list[int] | None,
    challenge: LivenessChallenge,
    refuse: Any,
) -> tuple[bytes | None, CleanImage | None]:
    """Check and clean a liveness recording; return it packed for storage, and the selfie.

    Limits (liveness_burst): 12-60 frames, each at most 400 KB and 1280 px a side, 12 MB in
    all, one capture time per frame. Each frame goes through ``image_intake`` (type sniffing,
    caps, re-encode). The selfie is the frame nearest the middle of the straight step.
    """
    times = list(frame_times or [])
    if not liveness_burst.MIN_FRAMES <= len(frames) <= liveness_burst.MAX_FRAMES:
        refuse(
            "frames",
            "frames_count",
            _("Send the recording as %(min)d to %(max)d frames; this one had %(n)d.")
            % {
                "min": liveness_burst.MIN_FRAMES,
                "max": liveness_burst.MAX_FRAMES,
                "n": len(frames),
            },
        )
        return None, None
    if len(times) != len(frames):
        refuse(
            "frame_times",
            "frame_times_invalid",
            _("Send one capture time per frame, in milliseconds, in the order of the frames."),
        )
        return None, None
    if sum(len(raw) for raw in frames) > liveness_burst.MAX_BURST_BYTES:
        refuse(
            "frames",
            "burst_too_large",
            _("The recording is too large. The limit is %(mb)s MB in all.")
            % {"mb": round(liveness_burst.MAX_BURST_BYTES / (1024 * 1024), 1)},
        )
        return None, None
    cleans: list[CleanImage] = []
    for number, raw in enumerate(frames, start=1):
        try:
            cleans.append(
                image_intake(
                    bytes(raw),
                    max_bytes=liveness_burst.MAX_FRAME_BYTES,
                    max_pixels=liveness_burst.MAX_FRAME_SIDE**2,
                )
            )
        except ImageRejected as exc:
            refuse(
                "frames",
                exc.code,
                _("Frame %(number)d: %(error)s") % {"number": number, "error": exc.message},
            )
            return None, None
    selfie = cleans[liveness_burst.selfie_frame(len(cleans), challenge.poses)]
    return liveness_burst.burst_pack([c.data for c in cleans], times), selfie


def verification_submit(
    *,
    user: User,
    id_type: str,
    id_number: str,
    full_name: str,
    date_of_birth: date | None,
    sex: str,
    document: bytes | None,
    selfie: bytes | None = None,
    challenge_id: Any = None,
    frames: list[bytes] | None = None,
    frame_times: list[int] | None = None,
    request_human_review: bool = False,
    no_camera: bool = False,
) -> Verification:
    """Check, store encrypted, and queue a verification; return it (status ``submitted``).

    Refusals, in order: premium (403 ``premium_required``), consent (403 ``consent_required``),
    lock / pending / daily limit (429 / 409), then every field error at once (400 ``invalid``
    with ``fields`` and ``field_codes``). Nothing is stored for a refused submission.

    Liveness: ``challenge_id``, ``frames`` (the recording: 12-60 JPEG frames in capture order)
    and ``frame_times`` (their capture times, epoch milliseconds) go together; a frame near
    the straight step then serves as the selfie and ``selfie`` is ignored. With
    ``BIOMETRICS_LIVENESS_REQUIRED`` a submission without them is refused
    (``liveness_required``) unless ``no_camera``: then the selfie is required and a person
    decides (the case goes to human review whatever the machine finds). The challenge is
    redeemed in the same transaction as the case.
    """
    verification_precheck(user=user)
    number, name, errors, codes = _validate_fields(
        id_type=id_type,
        id_number=id_number,
        full_name=full_name,
        date_of_birth=date_of_birth,
        sex=sex,
    )

    def refuse(field_name: str, code: str, message: str) -> None:
        errors[field_name] = [message]
        codes[field_name] = code

    if request_human_review and not human_review_available(user=user):
        refuse(
            "request_human_review",
            "human_review_not_available",
            _(
                "You can ask for a person to decide only after an automatic rejection for a "
                "face mismatch or a failed liveness check."
            ),
        )
    document_clean = _intake(document, "document", errors, codes)
    frames = list(frames or [])
    challenge: LivenessChallenge | None = None
    burst: bytes | None = None
    selfie_clean: CleanImage | None = None
    if no_camera:
        # No camera: a person compares the selfie with the ID instead of the recording.
        request_human_review = True
    # A challenge without frames is a liveness submission only when liveness is required;
    # otherwise (the HTML form always carries one) the selfie path applies.
    if frames or (challenge_id and settings.BIOMETRICS_LIVENESS_REQUIRED and not no_camera):
        challenge, problem = challenge_problem(user, challenge_id)
        if problem or challenge is None:
            problem = problem or "challenge_invalid"
            refuse("challenge_id", problem, str(CHALLENGE_ERRORS[problem]))
        else:
            burst, selfie_clean = _burst_intake(frames, frame_times, challenge, refuse)
    elif settings.BIOMETRICS_LIVENESS_REQUIRED and not no_camera:
        refuse(
            "frames",
            "liveness_required",
            _(
                "Record the liveness check with your camera. If you have no camera, choose "
                "to have a person check your selfie instead."
            ),
        )
    else:
        selfie_clean = _intake(selfie, "selfie", errors, codes)
    if errors or document_clean is None or selfie_clean is None:
        raise ApplicationError(
            _("Please correct the errors below."),
            code="invalid",
            fields=errors,
            extra={"field_codes": codes},
        )

    verification_id = uuid.uuid4()
    stored: list[tuple[str, StoredFile]] = []
    images = [
        (VerificationImage.Kind.DOCUMENT, document_clean.data),
        (VerificationImage.Kind.SELFIE, selfie_clean.data),
    ]
    if burst is not None:
        images.append((VerificationImage.Kind.BURST, burst))
    try:
        for kind, data in images:
            stored.append((kind, encrypted_file_write(data=data)))
        with transaction.atomic():
            # Serialises two submissions of one member (double click, two devices).
            check_can_submit(user, lock_row(user, for_update=True))
            review_offers_close(user_id=user.pk)  # the photos of an earlier rejection go
            verification = Verification.objects.create(
                id=verification_id,
                user=user,
                id_type=id_type,
                id_number=number,
                id_number_hash=lookup_hash(number, namespace=f"id-number:{id_type}"),
                full_name=name,
                date_of_birth=date_of_birth,
                sex=sex,
                human_review_requested=bool(request_human_review),
            )
            if challenge is not None:
                challenge_redeem(user=user, challenge_id=challenge.pk, verification=verification)
            VerificationImage.objects.bulk_create(
                VerificationImage(
                    verification=verification,
                    kind=kind,
                    file_name=f.name,
                    sha256=f.sha256,
                    size=f.size,
                    content_type=(
                        liveness_burst.BURST_CONTENT_TYPE
                        if kind == VerificationImage.Kind.BURST
                        else "image/jpeg"
                    ),
                )
                for kind, f in stored
            )
            transaction.on_commit(lambda: processing._enqueue(verification.pk))
    except BaseException:
        files_delete(f.name for _kind, f in stored)
        raise
    logger.info("Verification %s submitted", verification.pk)
    return verification
