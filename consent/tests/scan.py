"""Find personal data anywhere in the database: every text-like column of every model."""

from __future__ import annotations

from django.apps import apps
from django.db import models

TEXT_FIELDS = (
    models.CharField,
    models.TextField,
    models.GenericIPAddressField,
    models.JSONField,
    models.UUIDField,
)


def remnants(needles: list[str]) -> list[tuple[str, str, str]]:
    """Return (model, field, needle) for every stored value containing one of ``needles``.

    Values are read through the ORM, so encrypted fields are compared decrypted.
    """
    found = []
    lowered = [n.lower() for n in needles if n]
    for model in apps.get_models(include_auto_created=True):
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, TEXT_FIELDS) and not f.is_relation
        ]
        fk_fields = [f for f in model._meta.concrete_fields if f.is_relation]
        columns = [f.attname for f in fields + fk_fields]
        if not columns:
            continue
        for row in model._base_manager.values_list(*columns):
            for attname, value in zip(columns, row, strict=True):
                text = str(value).lower() if value is not None else ""
                for needle in lowered:
                    if needle in text:
                        found.append((model._meta.label, attname, needle))
    return found
