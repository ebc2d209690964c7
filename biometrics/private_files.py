"""Encrypted files in the private storage (no URL serves it): write, read, delete on commit."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction

from config.encryption import decrypt_bytes, encrypt_bytes

logger = logging.getLogger(__name__)

FOLDER = "biometrics"


class FileIntegrityError(RuntimeError):
    """A decrypted file does not hash to what was recorded when it was stored."""


@dataclass(frozen=True)
class StoredFile:
    name: str
    sha256: str
    size: int


def private_storage() -> Storage:
    return storages["private"]


def encrypted_file_write(*, data: bytes) -> StoredFile:
    """Encrypt ``data`` with the newest key and store it under a random name.

    The name carries no personal data and no case id; one flat folder, so deleting a file
    leaves no empty directory behind.
    """
    name = f"{FOLDER}/{uuid.uuid4().hex}.bin"
    saved = private_storage().save(name, ContentFile(encrypt_bytes(data)))
    return StoredFile(name=saved, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def encrypted_file_read(*, name: str, sha256: str | None = None) -> bytes:
    """Return the decrypted bytes of a stored file (in memory only)."""
    with private_storage().open(name, "rb") as handle:
        data = decrypt_bytes(handle.read())
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise FileIntegrityError(name)
    return data


def files_delete(names: Iterable[str]) -> None:
    """Delete stored files now; a file already gone is fine."""
    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete a private file; the retention sweep retries.")


def files_delete_on_commit(names: Iterable[str]) -> None:
    """Delete stored files once the current transaction commits (never for a rolled-back one)."""
    names = list(names)
    if names:
        transaction.on_commit(lambda: files_delete(names))
