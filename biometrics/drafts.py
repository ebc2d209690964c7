"""Write side of the verification draft: what the stepper keeps between steps and errors.

A member's draft holds the details typed so far (encrypted) and the ID photo (re-encoded by
``image_intake``, Fernet-encrypted in the private storage). Each save keeps every valid value
and reports the others, so an error on one field never loses the rest or the photo. The
draft is deleted when the case is submitted (in the same transaction), on withdrawal and
erasure, and by the retention sweep (``BIOMETRICS_DRAFT_RETENTION_HOURS``).

What the document reader read from the photo is returned once, to offer a prefill, and never
stored.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from PIL import Image

from biometrics import documents
from biometrics.image_intake import ImageRejected, image_intake
from biometrics.models import IdType, Sex, Verification, VerificationDraft
from biometrics.nik import NikError, id_number_validate, nik_parse
from biometrics.private_files import (
    encrypted_file_read,
    encrypted_file_write,
    files_delete,
    files_delete_on_commit,
)

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

DETAIL_FIELDS = ("id_type", "id_number", "full_name", "date_of_birth", "sex")
_ENGINE_ID_TYPES = {
    IdType.KTP: "nik",
    IdType.PASSPORT: "passport",
    IdType.DRIVING_LICENCE: "driving_licence",
}
# The reader's kinds -> our ID types.
_KIND_TO_ID_TYPE = {
    "ktp": IdType.KTP,
    "passport": IdType.PASSPORT,
    "driving_licence": IdType.DRIVING_LICENCE,
    "sim": IdType.DRIVING_LICENCE,
}


@dataclass
class DraftSaved:
    """The draft after a save, the errors per field (what was not kept) and their codes."""

    draft: VerificationDraft
    errors: dict[str, list[str]] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    # What the reader found on a new ID photo, to offer as a prefill; never stored.
    read: dict[str, str] | None = None


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return parse_date(str(value or "").strip())
    except ValueError:
        return None


def _clean_details(
    values: dict[str, Any], current: VerificationDraft
) -> tuple[dict[str, Any], dict[str, list[str]], dict[str, str]]:
    """Return the values to keep and the errors of the others (given fields only).

    Each field is checked on its own; the ID number is then checked against the type, birth
    date and sex (the NIK rules) once all of them are known, from this save or the draft.
    """
    kept: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    codes: dict[str, str] = {}
    if "id_type" in values:
        id_type = str(values["id_type"] or "")
        if id_type in IdType.values:
            kept["id_type"] = id_type
        elif id_type:
            errors["id_type"] = [_("Choose the type of your ID.")]
    if "sex" in values:
        sex = str(values["sex"] or "")
        if sex in Sex.values:
            kept["sex"] = sex
        elif sex:
            errors["sex"] = [_("Choose your sex as written on your ID.")]
    if "full_name" in values:
        name = " ".join(str(values["full_name"] or "").split())
        if len(name) > 200:
            errors["full_name"] = [_("Enter your full name as written on your ID.")]
        else:
            kept["full_name"] = name
    if "date_of_birth" in values:
        raw = values["date_of_birth"]
        born = _date(raw)
        if born is not None and born <= timezone.localdate():
            kept["date_of_birth"] = born
        elif born is not None or str(raw or "").strip():
            errors["date_of_birth"] = [_("Enter your date of birth.")]
        else:
            kept["date_of_birth"] = None
    if "id_number" in values:
        number = str(values["id_number"] or "").strip()
        if len(number) > 40:
            errors["id_number"] = [_("This ID number does not look valid. Check it and try again.")]
            codes["id_number"] = "id_number_invalid"
        else:
            kept["id_number"] = number  # kept as typed; checked below
    # The cross-check, on the values the draft will hold.
    merged = {name: kept.get(name, getattr(current, name)) for name in DETAIL_FIELDS}
    number = merged["id_number"] or ""
    if number and "id_number" not in errors and merged["id_type"] in IdType.values:
        engine_type = _ENGINE_ID_TYPES[IdType(merged["id_type"])]
        try:
            if engine_type != "nik":
                # A passport or licence number encodes no birth date or sex: shape only.
                id_number_validate(engine_type, number, birth_date=date.min, sex="F")
            elif merged["date_of_birth"] and merged["sex"]:
                id_number_validate(
                    engine_type, number, birth_date=merged["date_of_birth"], sex=merged["sex"]
                )
            else:
                nik_parse(number)  # shape, province and date; the rest once both are known
        except NikError as exc:
            # Said on the field the member typed last, else on the number.
            target = "id_number"
            if exc.code == "nik_sex_mismatch" and "sex" in values and "id_number" not in values:
                target = "sex"
            elif (
                exc.code == "nik_birth_date_mismatch"
                and "date_of_birth" in values
                and "id_number" not in values
            ):
                target = "date_of_birth"
            errors.setdefault(target, []).append(str(exc.message))
            codes[target] = exc.code
    return kept, errors, codes


def _read_prefill(data: bytes) -> dict[str, str] | None:
    """What the document reader finds on the photo, as form values; None if nothing usable."""
    if not settings.BIOMETRICS_DOCUMENT_CHECK:
        return None
    try:
        image = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        read = documents.document_read(image)
    except Exception:  # a reader failure must not lose the photo; the check runs later anyway
        logger.warning("The document reader failed on a draft photo", exc_info=True)
        return None
    if not read.found:
        return None
    prefill: dict[str, str] = {}
    id_type = _KIND_TO_ID_TYPE.get(str(read.kind or ""))
    if id_type:
        prefill["id_type"] = str(id_type)
    for name in ("id_number", "full_name", "date_of_birth", "sex"):
        value = read.value(name).strip()
        if value:
            prefill[name] = value
    if prefill.get("sex") not in (None, *Sex.values):
        prefill.pop("sex")
    return prefill or None


def verification_draft_save(
    *,
    user: User,
    details: dict[str, Any] | None = None,
    document: bytes | None = None,
    read_document: bool = False,
) -> DraftSaved:
    """Keep what is valid of ``details`` (given fields only) and a new ID photo; report the rest.

    Refusals first, as for a submission (premium, consent, lock, pending case). A photo that
    ``image_intake`` refuses is an error on ``document`` and the photo already kept stays.
    With ``read_document``, a new photo is read to offer a prefill (about 0.6 s).
    """
    from biometrics.services import verification_precheck

    verification_precheck(user=user)
    current = VerificationDraft.objects.filter(user_id=user.pk).first() or VerificationDraft(
        user=user
    )
    kept, errors, codes = _clean_details(details or {}, current)
    stored = None
    read: dict[str, str] | None = None
    if document is not None:
        try:
            clean = image_intake(
                bytes(document),
                max_bytes=settings.MAX_UPLOAD_BYTES,
                max_pixels=settings.MAX_IMAGE_PIXELS,
            )
        except ImageRejected as exc:
            errors["document"] = [str(exc.message)]
            codes["document"] = exc.code
        else:
            if read_document:
                read = _read_prefill(clean.data)
            stored = encrypted_file_write(data=clean.data)
    try:
        with transaction.atomic():
            draft, _created = VerificationDraft.objects.select_for_update().get_or_create(user=user)
            for name, value in kept.items():
                setattr(draft, name, value)
            if stored is not None:
                if draft.document_file:
                    files_delete_on_commit([draft.document_file])
                draft.document_file = stored.name
                draft.document_sha256 = stored.sha256
                draft.document_size = stored.size
            draft.save()
    except BaseException:
        if stored is not None:
            files_delete([stored.name])
        raise
    return DraftSaved(draft=draft, errors=errors, codes=codes, read=read)


def verification_draft_document(*, draft: VerificationDraft) -> bytes | None:
    """The draft's ID photo (decrypted, in memory only), or None."""
    if not draft.document_file:
        return None
    try:
        return encrypted_file_read(name=draft.document_file, sha256=draft.document_sha256)
    except (OSError, RuntimeError):
        logger.warning("A draft's ID photo could not be read")
        return None


def verification_draft_delete(*, user: User) -> bool:
    """Delete the member's draft and its photo (the file after commit); True if there was one."""
    drafts = list(VerificationDraft.objects.select_for_update().filter(user_id=user.pk))
    if not drafts:
        return False
    files_delete_on_commit(d.document_file for d in drafts if d.document_file)
    VerificationDraft.objects.filter(user_id=user.pk).delete()
    return True


def verification_draft_submit(
    *,
    user: User,
    details: dict[str, Any] | None = None,
    document: bytes | None = None,
    selfie: bytes | None = None,
    challenge_id: Any = None,
    frames: list[bytes] | None = None,
    frame_times: list[int] | None = None,
    no_camera: bool = False,
    request_human_review: bool = False,
) -> Verification:
    """Submit the draft (with any last ``details``/``document`` given) as a case.

    The draft is saved first, so a refused submission (a field error, an expired challenge)
    keeps the details and the ID photo; a successful one deletes the draft in the case's
    transaction. Errors as for ``services.verification_submit``.
    """
    from biometrics.services import verification_submit

    saved = verification_draft_save(user=user, details=details, document=document)
    draft = saved.draft
    photo = verification_draft_document(draft=draft)
    with transaction.atomic():
        verification = verification_submit(
            user=user,
            id_type=draft.id_type,
            id_number=draft.id_number or "",
            full_name=draft.full_name or "",
            date_of_birth=draft.date_of_birth,
            sex=draft.sex or "",
            document=photo,
            selfie=selfie,
            challenge_id=challenge_id,
            frames=frames,
            frame_times=frame_times,
            no_camera=no_camera,
            request_human_review=request_human_review,
        )
        verification_draft_delete(user=user)
    return verification


def verification_drafts_expire(*, now: datetime) -> int:
    """Delete drafts untouched for ``BIOMETRICS_DRAFT_RETENTION_HOURS``; return how many."""
    cutoff = now - timedelta(hours=settings.BIOMETRICS_DRAFT_RETENTION_HOURS)
    with transaction.atomic():
        old = VerificationDraft.objects.select_for_update().filter(updated_at__lt=cutoff)
        names = [name for name in old.values_list("document_file", flat=True) if name]
        deleted, _per_model = old.delete()
        files_delete_on_commit(names)
    return deleted
