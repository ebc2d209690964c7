"""The checks a case runs, on its decrypted images: document, liveness (with replays)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _lazy
from PIL import Image

from biometrics import documents, liveness, liveness_burst
from biometrics.image_intake import CleanImage, ImageRejected
from biometrics.models import LivenessChallenge, LivenessFrameHash, Verification, VerificationImage
from biometrics.private_files import encrypted_file_read
from biometrics.services.challenges import liveness_challenge_light


def jpeg(img: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(img).save(out, format="JPEG", quality=90)
    return out.getvalue()


def decoded(image: VerificationImage) -> np.ndarray:
    data = encrypted_file_read(name=image.file_name, sha256=image.sha256)
    return CleanImage(data=data, content_type=image.content_type, width=0, height=0).to_array()


LIVENESS_HASH_RETENTION_DAYS = 90


def liveness_run(
    verification: Verification, images: dict[str, VerificationImage], reference: np.ndarray
) -> liveness.LivenessResult | liveness_burst.BurstResult | None:
    """Run the liveness check on the case's recording, or None for a case without a challenge.

    A recording is checked as one continuous movement (liveness_burst) inside the challenge's
    window (issued .. submitted), against the challenge's light sequence when it has one; its
    frame hashes are compared with those kept from earlier recordings, then kept themselves.
    Cases from before recordings (one photo per pose) are checked as they were.
    """
    challenge = LivenessChallenge.objects.filter(verification=verification).first()
    if challenge is None:
        return None
    burst = images.get(VerificationImage.Kind.BURST)
    if burst is not None:
        data = encrypted_file_read(name=burst.file_name, sha256=burst.sha256)
        try:
            packed, times = liveness_burst.burst_unpack(data)
        except ValueError as exc:
            raise ImageRejected("image_unreadable", _lazy("The image could not be read.")) from exc
        frames = [
            CleanImage(data=raw, content_type="image/jpeg", width=0, height=0).to_array()
            for raw in packed
        ]
        window = (
            round(challenge.issued_at.timestamp() * 1000),
            round(verification.created_at.timestamp() * 1000),
        )
        result = liveness_burst.burst_check(
            frames,
            times,
            list(challenge.poses),
            reference=reference,
            window_ms=window,
            seen=_hashes_seen,
            thresholds=liveness_burst.configured_thresholds(),
            light=liveness_challenge_light(challenge=challenge),
        )
        _hashes_keep(result.hashes)
        return result
    frames = []
    for step in range(1, len(challenge.poses) + 1):
        image = images.get(VerificationImage.Kind.frame(step))
        if image is None:
            break  # liveness_check reports the missing step as liveness_incomplete
        frames.append(decoded(image))
    return liveness.liveness_check(frames, list(challenge.poses), reference=reference)


def _hashes_seen(hashes: list[str]) -> list[bool]:
    """For each frame hash, whether a hash within the replay distance was kept before."""
    if not hashes:
        return []
    since = timezone.now() - timedelta(days=LIVENESS_HASH_RETENTION_DAYS)
    bands = [liveness_burst.hash_bands(value) for value in hashes]
    query = Q()
    for k in range(liveness_burst.HASH_BANDS):
        query |= Q(**{f"band_{k}__in": sorted({b[k] for b in bands})})
    kept = list(
        LivenessFrameHash.objects.filter(query, created_at__gte=since).values_list(
            "value", flat=True
        )
    )
    limit = liveness_burst.configured_thresholds().hash_max_bits
    return [any(liveness_burst.hamming(value, old) <= limit for old in kept) for value in hashes]


def _hashes_keep(hashes: Sequence[str]) -> None:
    """Keep a recording's frame hashes (hashes only) for the replay check."""
    now = timezone.now()
    LivenessFrameHash.objects.bulk_create(
        LivenessFrameHash(
            value=value,
            created_at=now,
            **{f"band_{k}": band for k, band in enumerate(liveness_burst.hash_bands(value))},
        )
        for value in hashes
    )


def liveness_record(check: liveness.LivenessResult | liveness_burst.BurstResult) -> dict[str, Any]:
    """The check's record, with the engine's advice rendered now in every site language.

    Rendered here because the worker has no request to take a language from.
    """
    messages = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            messages[code] = str(check.message)
    return {
        **check.as_record(),
        "message": messages.get(settings.LANGUAGE_CODE, ""),
        "messages": messages,
    }


def document_check(verification: Verification, image: np.ndarray) -> documents.DocumentCheck:
    """Run the document check on the decoded ID photo against what the member typed."""
    typed = documents.Typed(
        id_type=verification.id_type,
        id_number=verification.id_number or "",
        full_name=verification.full_name or "",
        date_of_birth=verification.date_of_birth or date.min,
        sex=verification.sex or "",
    )
    return documents.document_check(image, typed, today=timezone.localdate())
