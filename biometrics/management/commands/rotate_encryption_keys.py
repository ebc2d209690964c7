"""Re-encrypt every encrypted database value and every private file with the newest key.

Usage: put the new key first in FIELD_ENCRYPTION_KEY (``NEW,OLD``), deploy, run this command,
then drop the old key. Idempotent: values already under the newest key are left alone.
Fails (and changes nothing in the database) if any value or file cannot be decrypted with the
configured keys.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from encrypted_model_fields.fields import EncryptedMixin

from config.encryption import DecryptionError, key_ring, reencrypt_bytes


def encrypted_fields() -> Iterator[tuple[type[models.Model], models.Field]]:
    """Yield (model, field) for every concrete field that stores Fernet ciphertext."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedMixin) or getattr(field, "fernet_ciphertext", False):
                yield model, field


def _newest() -> Fernet:
    keys = settings.FIELD_ENCRYPTION_KEY
    if isinstance(keys, str):
        keys = [k for k in keys.split(",") if k.strip()]
    return Fernet(keys[0].strip())


def _is_current(newest: Fernet, token: bytes) -> bool:
    try:
        newest.decrypt(token)
    except InvalidToken:
        return False
    return True


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for directory in directories:
        yield from _walk(storage, f"{folder}/{directory}" if folder else directory)


def _replace(storage: Storage, name: str, data: bytes) -> None:
    """Overwrite a stored file atomically (a local folder: rename; a bucket: one PUT)."""
    try:
        path = storage.path(name)
    except NotImplementedError:
        # An object store replaces the object in one request when overwriting is allowed
        # (PRIVATE_STORAGE_URL sets file_overwrite); otherwise delete first, then write.
        if not getattr(storage, "file_overwrite", False):
            storage.delete(name)
        saved = storage.save(name, ContentFile(data))
    else:
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".rotate-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        return
    if saved != name:
        raise RuntimeError("the storage stored the re-encrypted file under another name")


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields and private files with the newest FIELD_ENCRYPTION_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key_ring()
            newest = _newest()
        except Exception as exc:
            raise CommandError(f"FIELD_ENCRYPTION_KEY is missing or invalid: {exc}") from exc

        storage = storages["private"]
        # Check every file first: a wrong key must change neither the database nor any file.
        pending, current_files = self._check_files(storage, newest)
        rows = self._rotate_database(newest)
        for name in pending:
            with storage.open(name, "rb") as handle:
                token = handle.read()
            _replace(storage, name, reencrypt_bytes(token))
        files = {"rotated": len(pending), "current": current_files}
        self.stdout.write(
            self.style.SUCCESS(
                f"Database values: {rows['rotated']} re-encrypted, {rows['current']} already "
                f"current. Private files: {files['rotated']} re-encrypted, {files['current']} "
                "already current."
            )
        )

    def _rotate_database(self, newest: Fernet) -> dict[str, int]:
        counts = {"rotated": 0, "current": 0}
        quote = connection.ops.quote_name
        with transaction.atomic():
            for model, field in encrypted_fields():
                table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
                column = quote(field.column)
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} IS NOT NULL")  # noqa: S608 names from the model registry
                    values = cursor.fetchall()
                for pk_value, raw in values:
                    token = raw.encode() if isinstance(raw, str) else bytes(raw)
                    if _is_current(newest, token):
                        counts["current"] += 1
                        continue
                    try:
                        rotated = reencrypt_bytes(token).decode()
                    except DecryptionError as exc:
                        raise CommandError(
                            f"{model._meta.label}.{field.name} row {pk_value}: no configured key "
                            "decrypts it. Nothing was changed in the database."
                        ) from exc
                    with connection.cursor() as cursor:
                        cursor.execute(
                            f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608
                            [rotated, pk_value],
                        )
                    counts["rotated"] += 1
        return counts

    def _check_files(self, storage: Storage, newest: Fernet) -> tuple[list[str], int]:
        """Return the private files not yet under the newest key, and how many already are."""
        current = 0
        pending: list[str] = []
        for name in _walk(storage):
            with storage.open(name, "rb") as handle:
                token = handle.read()
            if _is_current(newest, token):
                current += 1
                continue
            try:
                key_ring().decrypt(token)
            except InvalidToken as exc:
                raise CommandError(
                    f"Private file {name}: no configured key decrypts it. Nothing was changed."
                ) from exc
            pending.append(name)
        return pending, current
