"""Re-encrypt every encrypted database value and every private file with the newest key.

Usage: put the new key first in FIELD_ENCRYPTION_KEY (``NEW,OLD``), deploy, run this command,
then drop the old key. Idempotent: values already under the newest key are left alone.
Fails (and changes nothing) if any value or file cannot be decrypted with the configured keys:
every value and file is checked first. Values are then rotated in batches of ``--batch`` rows,
one transaction each, so a large table neither holds one long transaction nor sits in memory;
an interrupted run is finished by running it again. Progress goes to the terminal (tqdm).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from encrypted_model_fields.fields import EncryptedMixin
from tqdm import tqdm

from config.encryption import DecryptionError, key_ring, reencrypt_bytes


def encrypted_fields() -> Iterator[tuple[type[models.Model], models.Field]]:
    """Yield (model, field) for every concrete field that stores Fernet ciphertext."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedMixin) or getattr(field, "fernet_ciphertext", False):
                yield model, field


BATCH = 500


@dataclass(frozen=True)
class Column:
    """One encrypted column: where it is, quoted for SQL, and its name for messages."""

    label: str
    table: str
    pk: str
    column: str

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {self.table} WHERE {self.column} IS NOT NULL")  # noqa: S608 names from the model registry
            return int(cursor.fetchone()[0])

    def batches(self, size: int) -> Iterator[list[tuple[Any, bytes]]]:
        """Yield (pk, token) rows in pk order, ``size`` at a time (keyset, not OFFSET)."""
        last: Any = None
        while True:
            after = "" if last is None else f"AND {self.pk} > %s "
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {self.pk}, {self.column} FROM {self.table} "  # noqa: S608 names from the model registry
                    f"WHERE {self.column} IS NOT NULL {after}ORDER BY {self.pk} LIMIT %s",
                    [*([] if last is None else [last]), size],
                )
                rows = cursor.fetchall()
            if not rows:
                return
            yield [(pk, raw.encode() if isinstance(raw, str) else bytes(raw)) for pk, raw in rows]
            last = rows[-1][0]

    def update(self, pk_value: Any, token: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.table} SET {self.column} = %s WHERE {self.pk} = %s",  # noqa: S608
                [token, pk_value],
            )


def encrypted_columns() -> list[Column]:
    """Every encrypted column, quoted for SQL."""
    quote = connection.ops.quote_name
    columns = []
    for model, field in encrypted_fields():
        pk = model._meta.pk
        if pk is None or pk.column is None or field.column is None:
            raise CommandError(f"{model._meta.label}.{field.name}: no column to rotate")
        columns.append(
            Column(
                label=f"{model._meta.label}.{field.name}",
                table=quote(model._meta.db_table),
                pk=quote(pk.column),
                column=quote(field.column),
            )
        )
    return columns


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

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", type=int, default=BATCH, help="rows per transaction (default %(default)s)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key_ring()
            newest = _newest()
        except Exception as exc:
            raise CommandError(f"FIELD_ENCRYPTION_KEY is missing or invalid: {exc}") from exc

        storage = storages["private"]
        size = max(1, int(options["batch"]))
        columns = encrypted_columns()
        total = sum(column.count() for column in columns)
        # Check every file and value first: a wrong key must change neither the database nor
        # any file.
        pending, current_files = self._check_files(storage, newest)
        self._check_database(columns, newest, size, total)
        rows = self._rotate_database(columns, newest, size, total)
        for name in tqdm(pending, desc="Rotating files", unit="file", disable=None):
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

    def _check_database(self, columns: list[Column], newest: Fernet, size: int, total: int) -> None:
        """Raise if any value decrypts with no configured key; reads only."""
        ring = key_ring()
        with tqdm(total=total, desc="Checking values", unit="value", disable=None) as bar:
            for column in columns:
                for batch in column.batches(size):
                    for pk_value, token in batch:
                        if _is_current(newest, token):
                            continue
                        try:
                            ring.decrypt(token)
                        except InvalidToken as exc:
                            raise CommandError(
                                f"{column.label} row {pk_value}: no configured key decrypts "
                                "it. Nothing was changed in the database."
                            ) from exc
                    bar.update(len(batch))

    def _rotate_database(
        self, columns: list[Column], newest: Fernet, size: int, total: int
    ) -> dict[str, int]:
        """Re-encrypt every value not under the newest key, one transaction per batch."""
        counts = {"rotated": 0, "current": 0}
        with tqdm(total=total, desc="Rotating values", unit="value", disable=None) as bar:
            for column in columns:
                for batch in column.batches(size):
                    with transaction.atomic():
                        for pk_value, token in batch:
                            if _is_current(newest, token):
                                counts["current"] += 1
                                continue
                            try:
                                rotated = reencrypt_bytes(token).decode()
                            except DecryptionError as exc:  # written since the check
                                raise CommandError(
                                    f"{column.label} row {pk_value}: no configured key "
                                    "decrypts it. Earlier batches were rotated; run again "
                                    "once the key is configured."
                                ) from exc
                            column.update(pk_value, rotated)
                            counts["rotated"] += 1
                    bar.update(len(batch))
        return counts

    def _check_files(self, storage: Storage, newest: Fernet) -> tuple[list[str], int]:
        """Return the private files not yet under the newest key, and how many already are."""
        current = 0
        pending: list[str] = []
        for name in tqdm(_walk(storage), desc="Checking files", unit="file", disable=None):
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
