"""Encrypted files in the private storage (no URL serves it): write, read, delete on commit.

The storage is a local folder by default, or an S3-compatible bucket with PRIVATE_STORAGE_URL
(docs/SCALING.md). Either way the bytes are Fernet-encrypted here before they leave the process,
and a storage failure surfaces as ``PrivateStorageError`` (an ``OSError``), which the
verification task retries like a disk hiccup.
"""

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


class PrivateStorageError(OSError):
    """The private storage (folder or bucket) did not answer as expected."""


def _storage_errors() -> tuple[type[BaseException], ...]:
    """Errors a storage backend raises for "not reachable" or "refused"."""
    errors: list[type[BaseException]] = [OSError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # the S3 backend is not installed: only the local folder is possible
        return tuple(errors)
    return (*errors, BotoCoreError, ClientError)


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
    try:
        saved = private_storage().save(name, ContentFile(encrypt_bytes(data)))
    except PrivateStorageError:
        raise
    except _storage_errors() as exc:
        raise PrivateStorageError(f"could not store a private file: {type(exc).__name__}") from exc
    return StoredFile(name=saved, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def encrypted_file_read(*, name: str, sha256: str | None = None) -> bytes:
    """Return the decrypted bytes of a stored file (in memory only)."""
    try:
        with private_storage().open(name, "rb") as handle:
            token = handle.read()
    except FileNotFoundError:
        raise
    except _storage_errors() as exc:
        raise PrivateStorageError(f"could not read a private file: {type(exc).__name__}") from exc
    data = decrypt_bytes(token)
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise FileIntegrityError(name)
    return data


def files_delete(names: Iterable[str]) -> None:
    """Delete stored files now; a file already gone is fine."""
    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except _storage_errors():
            logger.warning("Could not delete a private file; the retention sweep retries.")


def private_storage_probe() -> None:
    """Write, read back and delete a small encrypted probe file; raise if any step fails."""
    payload = uuid.uuid4().bytes
    stored = encrypted_file_write(data=payload)
    try:
        if encrypted_file_read(name=stored.name, sha256=stored.sha256) != payload:
            raise PrivateStorageError("the probe file read back differently")
    finally:
        private_storage().delete(stored.name)
    if private_storage().exists(stored.name):
        raise PrivateStorageError("the probe file outlived its deletion")


def files_delete_on_commit(names: Iterable[str]) -> None:
    """Delete stored files once the current transaction commits (never for a rolled-back one)."""
    names = list(names)
    if names:
        transaction.on_commit(lambda: files_delete(names))
