"""Encryption at rest: strict encrypted model fields, file encryption, keyed lookup hashes.

django-encrypted-model-fields builds its key ring once at import and, on a wrong key, silently
hands back the ciphertext as if it were the value. Here the key ring follows settings (so
rotation and tests see the current keys), and a value that no key decrypts raises
``DecryptionError`` instead of leaking ciphertext into the application.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from encrypted_model_fields.fields import EncryptedMixin


class DecryptionError(RuntimeError):
    """Stored data could not be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _key_ring(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY holds no key.")
    try:
        return MultiFernet([Fernet(key.strip()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY holds an invalid Fernet key.") from exc


def key_ring() -> MultiFernet:
    """Return the MultiFernet for the configured keys, newest first."""
    keys = settings.FIELD_ENCRYPTION_KEY
    if isinstance(keys, str):
        keys = [k for k in keys.split(",") if k.strip()]
    return _key_ring(tuple(keys))


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt bytes with the newest key."""
    return key_ring().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    """Decrypt bytes with any configured key, or raise DecryptionError."""
    try:
        return key_ring().decrypt(token)
    except InvalidToken as exc:
        raise DecryptionError("No configured key decrypts this value.") from exc


def reencrypt_bytes(token: bytes) -> bytes:
    """Re-encrypt a token with the newest key (key rotation)."""
    try:
        return key_ring().rotate(token)
    except InvalidToken as exc:
        raise DecryptionError("No configured key decrypts this value.") from exc


def lookup_hash(value: str, *, namespace: str) -> str:
    """Return a keyed HMAC-SHA256 of a normalised value, for equality lookups without decrypting.

    The namespace keeps hashes of different kinds (NIK, passport number) from ever colliding.
    """
    message = f"{namespace}:{value}".encode()
    return hmac.new(settings.LOOKUP_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()


class StrictEncryptedMixin(EncryptedMixin):
    """Encrypt on save with the current key ring; fail loudly when a stored value won't decrypt."""

    def to_python(self, value: Any) -> Any:
        # Form and deserialisation input is plaintext: never try to decrypt it.
        # super(EncryptedMixin, ...) skips the library's decrypting to_python for the field's
        # own; mypy cannot check that against an untyped base, hence the ignore.
        return super(EncryptedMixin, self).to_python(value)  # type: ignore[misc]

    def from_db_value(self, value: Any, *args: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, bytes):
            value = value.decode()
        return self.to_python(decrypt_bytes(value.encode()).decode())

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        # As in to_python: the field's own method, past the library's (untyped) encrypting one.
        value = super(EncryptedMixin, self).get_db_prep_save(value, connection)  # type: ignore[misc]
        if value is None:
            return None
        return encrypt_bytes(str(value).encode()).decode()


class EncryptedCharField(StrictEncryptedMixin, models.CharField):
    """A CharField stored as Fernet ciphertext."""


class EncryptedTextField(StrictEncryptedMixin, models.TextField):
    """A TextField stored as Fernet ciphertext."""


class EncryptedDateField(StrictEncryptedMixin, models.DateField):
    """A DateField stored as Fernet ciphertext."""
