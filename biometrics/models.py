"""Identity verification: submissions, their encrypted images, enrolled face templates, the badge.

Everything that identifies a person is encrypted at rest: ID number, name, birth date, sex
(``config.encryption`` fields), images (Fernet over the file bytes in the private storage) and
face templates (``EncryptedVectorField``). Only the keyed hash of the ID number is stored in
the clear, so the same number on two accounts is found without decrypting.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from biometrics.reasons import FINAL_STATUSES, ReasonCode, Status
from config.encryption import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedTextField,
    decrypt_bytes,
    encrypt_bytes,
)

if TYPE_CHECKING:
    # Typed as what it holds in Python (a vector), not the text column (runtime: TextField).
    _VectorText = models.TextField[np.ndarray | None, np.ndarray | None]
else:
    _VectorText = models.TextField


class EncryptedVectorField(_VectorText):
    """A float32 vector stored as Fernet ciphertext of its raw bytes (base64 text).

    ``rotate_encryption_keys`` finds every field with ``fernet_ciphertext = True`` (this one and
    every ``config.encryption`` field) and re-encrypts the raw column.
    """

    fernet_ciphertext = True

    def from_db_value(self, value: Any, *args: Any, **kwargs: Any) -> np.ndarray | None:
        if value is None:
            return None
        return np.frombuffer(decrypt_bytes(value.encode()), dtype=np.float32).copy()

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        raw = np.asarray(value, dtype=np.float32).tobytes()
        return encrypt_bytes(raw).decode()


class ReasonCodeField(models.CharField):
    """A reason code; its choices come from ``biometrics.reasons`` and stay out of migrations.

    Choices change no column, so leaving them out of the migration state lets a new reason
    code be added without a migration (docs/ARCHITECTURE.md, biometrics).
    """

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return name, "django.db.models.CharField", args, kwargs


class IdType(models.TextChoices):
    KTP = "ktp", _("KTP (Indonesian ID card, NIK)")
    PASSPORT = "passport", _("Passport")
    DRIVING_LICENCE = "driving_licence", _("Driving licence")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Verification(models.Model):
    """One submission of an ID number, ID photo and selfie, and its decision.

    After a withdrawal the row stays as a record of what happened, but every personal field
    is blanked (``data_destroyed_at`` set) and its images and template are gone.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verifications"
    )
    id_type = models.CharField(_("ID type"), max_length=20, choices=IdType.choices)
    id_number = EncryptedCharField(_("ID number"), max_length=40, null=True, blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    full_name = EncryptedCharField(_("full name"), max_length=200, null=True, blank=True)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    sex = EncryptedCharField(_("sex"), max_length=1, null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    reason_code = ReasonCodeField(
        _("reason"), max_length=40, choices=ReasonCode.choices, blank=True
    )
    distance = models.FloatField(_("distance"), null=True, blank=True)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    review_margin = models.FloatField(null=True, blank=True)
    dedup_threshold = models.FloatField(null=True, blank=True)
    model_name = models.CharField(max_length=40, blank=True)
    detector = models.CharField(max_length=40, blank=True)
    # [{"kind": "face"|"id_number", "user_id", "verification_id", "distance"}] for the reviewer.
    duplicate_candidates = models.JSONField(default=list, blank=True)
    # The selfie template, kept only while a human decides (enrolled if approved).
    selfie_vector = EncryptedVectorField(null=True, blank=True)
    # LivenessResult.as_record() plus the member's message; no images, no template.
    liveness = models.JSONField(null=True, blank=True)
    # The document check's outcome per field, its decision and cause: never a value read
    # (biometrics.documents.results.DocumentCheck.as_record). Kept after the decision.
    document_check = models.JSONField(null=True, blank=True)
    # What was read from the document (JSON), encrypted; only while the case is open.
    document_read = EncryptedTextField(null=True, blank=True)
    # The member asked a person to decide instead of an automatic rejection (GDPR Art. 22).
    human_review_requested = models.BooleanField(default=False)

    attempts = models.PositiveSmallIntegerField(default=0)
    processing_started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    data_destroyed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("verification")
        ordering = ["-created_at"]
        permissions = [("review_verification", _("Can review identity verifications"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="biometrics_verification_status_valid"
            ),
            # One case in the pipeline per member at a time.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["submitted", "processing"]),
                name="biometrics_one_running_verification_per_user",
            ),
            # One verified identity per ID number.
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=Q(status="verified") & ~Q(id_number_hash=""),
                name="biometrics_id_number_verified_once",
            ),
        ]
        indexes = [models.Index(fields=["status", "processing_started_at"])]

    def __str__(self) -> str:
        return f"{self.get_id_type_display()} · {self.get_status_display()}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


ENCRYPTED_FIELDS = (
    "id_number",
    "full_name",
    "date_of_birth",
    "sex",
    "selfie_vector",
    "document_read",
)


class VerificationImage(models.Model):
    """An encrypted image of a case: the two photos, and the face crops kept for review."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("ID document")
        SELFIE = "selfie", _("Selfie")
        DOCUMENT_FACE = "document_face", _("Face on the ID document")
        SELFIE_FACE = "selfie_face", _("Face in the selfie")
        DOCUMENT_FLAT = "document_flat", _("ID document, flattened")
        # Liveness frames, one per challenge step (liveness.MAX_CHALLENGE_LENGTH is 6).
        FRAME_1 = "frame_1", _("Liveness frame 1")
        FRAME_2 = "frame_2", _("Liveness frame 2")
        FRAME_3 = "frame_3", _("Liveness frame 3")
        FRAME_4 = "frame_4", _("Liveness frame 4")
        FRAME_5 = "frame_5", _("Liveness frame 5")
        FRAME_6 = "frame_6", _("Liveness frame 6")
        # The liveness recording: every frame of the burst and its capture time, one file.
        BURST = "burst", _("Liveness recording")

        @classmethod
        def frame(cls, step: int) -> str:
            """The kind of the liveness frame of 1-based ``step``."""
            return cls(f"frame_{step}").value

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    verification = models.ForeignKey(Verification, on_delete=models.CASCADE, related_name="images")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Name in storages["private"]; the file holds Fernet ciphertext of a JPEG.
    file_name = models.CharField(max_length=200, unique=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=40, default="image/jpeg")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("verification image")
        constraints = [
            models.UniqueConstraint(
                fields=["verification", "kind"], name="biometrics_one_image_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class LivenessChallenge(models.Model):
    """A one-time pose sequence (and light sequence) issued to a member; redeemed once.

    Redemption is a conditional UPDATE (``used_at IS NULL AND expires_at > now``), so two
    submissions racing for one challenge cannot both use it. Only a keyed hash of the nonce is
    kept: the pk is what the client sends back.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="liveness_challenges"
    )
    poses = models.JSONField()
    # The light challenge (liveness_light.LightSequence.as_dict): the screen colours the page
    # shows while recording and when each starts, in ms from the first frame. None: no light
    # challenge (challenges issued before it existed).
    light = models.JSONField(_("light challenge colours"), null=True, blank=True)
    nonce_hash = models.CharField(max_length=64)
    issued_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    verification = models.ForeignKey(
        Verification,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liveness_challenges",
    )

    class Meta:
        verbose_name = _("liveness challenge")
        constraints = [
            # A verification redeems at most one challenge.
            models.UniqueConstraint(
                fields=["verification"],
                condition=Q(verification__isnull=False),
                name="biometrics_one_challenge_per_verification",
            ),
        ]

    def __str__(self) -> str:
        return " → ".join(self.poses)


class LivenessFrameHash(models.Model):
    """A perceptual hash of one frame of a liveness recording, kept to refuse replays.

    Hashes only (256 bits of brightness gradients of the whole frame, 16 x 16): no image, no
    face template, no link to the member. Kept ``LIVENESS_HASH_RETENTION_DAYS`` and removed by
    the retention sweep. The eight 32-bit bands are indexed: two hashes within 7 bits of each
    other share at least one band, so a lookup by band finds every close hash.
    """

    value = models.CharField(max_length=64)
    band_0 = models.BigIntegerField(db_index=True)
    band_1 = models.BigIntegerField(db_index=True)
    band_2 = models.BigIntegerField(db_index=True)
    band_3 = models.BigIntegerField(db_index=True)
    band_4 = models.BigIntegerField(db_index=True)
    band_5 = models.BigIntegerField(db_index=True)
    band_6 = models.BigIntegerField(db_index=True)
    band_7 = models.BigIntegerField(db_index=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("liveness frame hash")

    def __str__(self) -> str:
        return self.value[:12]


class FaceTemplate(models.Model):
    """The enrolled face template of a verified member, searched 1:N for duplicates."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="face_templates"
    )
    verification = models.OneToOneField(
        Verification, null=True, on_delete=models.SET_NULL, related_name="template"
    )
    vector = EncryptedVectorField()
    model_name = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("face template")

    def __str__(self) -> str:
        return f"{self.model_name} template"


class FaceTemplateTombstone(models.Model):
    """A deleted face template's key, kept a few days so every worker's gallery drops it.

    Face-matching workers pull these like new templates (biometrics/gallery.py), so a deletion
    reaches every process without a full reload. Holds no biometric data: only the random key.
    """

    key = models.UUIDField(primary_key=True)
    deleted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("deleted face template")

    def __str__(self) -> str:
        return f"deleted template {self.key}"


class IdentityAssertion(models.Model):
    """The plain fact "ID verified on DATE": outlives the biometric data, holds none of it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="identity_assertion",
    )
    verified_at = models.DateTimeField(_("verified on"))
    id_type = models.CharField(_("ID type"), max_length=20, choices=IdType.choices)
    verification_id = models.UUIDField(null=True, blank=True)

    class Meta:
        verbose_name = _("identity assertion")

    def __str__(self) -> str:
        return f"ID verified on {self.verified_at:%Y-%m-%d}"


class VerificationLock(models.Model):
    """Consecutive face mismatches of a member; locked from ``lock_after`` until staff lift it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="verification_lock",
    )
    consecutive_mismatches = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("verification lock")

    def __str__(self) -> str:
        return "locked" if self.locked_at else "open"


class ReviewAction(models.Model):
    """Audit trail of what staff did with a case (viewed, approved, rejected, lifted a lock)."""

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed the images")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        LOCK_LIFTED = "lock_lifted", _("Lifted the lock")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    verification = models.ForeignKey(
        Verification, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=20, choices=Action.choices)
    reason_code = models.CharField(max_length=40, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("review action")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.actor_label}: {self.get_action_display()}"


class VerificationDraft(models.Model):
    """What a member has entered so far in the verification stepper, until they submit.

    One per member. The details are encrypted like a case's; the ID photo is a Fernet-encrypted
    file in the private storage, deleted with the draft (submission, withdrawal, erasure and
    the retention sweep after ``BIOMETRICS_DRAFT_RETENTION_HOURS``). What the document reader
    read is never kept here: it is offered once, to prefill the form.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="verification_draft",
    )
    id_type = models.CharField(max_length=20, choices=IdType.choices, blank=True)
    id_number = EncryptedCharField(max_length=40, null=True, blank=True)
    full_name = EncryptedCharField(max_length=200, null=True, blank=True)
    date_of_birth = EncryptedDateField(null=True, blank=True)
    sex = EncryptedCharField(max_length=1, null=True, blank=True)
    # The ID photo (re-encoded JPEG) in storages["private"], Fernet-encrypted; "" when none.
    document_file = models.CharField(max_length=200, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    document_size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("verification draft")

    def __str__(self) -> str:
        return "verification draft"

    @property
    def has_document(self) -> bool:
        return bool(self.document_file)
