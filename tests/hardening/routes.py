"""Every route of the project, discovered from the URL resolver (not from a hand-kept list)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, StringConverter, UUIDConverter


@dataclass(frozen=True)
class Route:
    """One URL pattern: its reverse name (or its pattern when unnamed) and its parameters."""

    key: str
    name: str | None
    pattern: str
    params: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    @property
    def is_admin_site(self) -> bool:
        """A route of django.contrib.admin's AdminSite (its names live in the admin namespace)."""
        return self.pattern.startswith("admin/") and (
            self.name is None or self.name.startswith("admin:")
        )

    def url(self, **values: Any) -> str:
        """Fill the pattern with ``values`` (works for unnamed and regex patterns too)."""
        out = self.pattern
        for name, value in values.items():
            out = re.sub(rf"<(?:\w+:)?{name}>", str(value), out)
            out = re.sub(rf"\(\?P<{name}>[^)]*\)", str(value), out)
        out = out.replace("^", "").replace("$", "")
        return "/" + out


def _converter_kind(converter: Any) -> str:
    if isinstance(converter, UUIDConverter):
        return "uuid"
    if isinstance(converter, IntConverter):
        return "int"
    if isinstance(converter, PathConverter):
        return "path"
    if isinstance(converter, StringConverter):
        return "str"
    return "str"


def _params(pattern: Any) -> dict[str, str]:
    converters = getattr(pattern, "converters", {}) or {}
    params = {name: _converter_kind(conv) for name, conv in converters.items()}
    regex = getattr(pattern, "regex", None)
    if regex is not None:
        for name in regex.groupindex:
            params.setdefault(name, "str")
    return params


def _walk(
    resolver: URLResolver, prefix: str, namespace: str | None, params: dict[str, str]
) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        here = prefix + str(entry.pattern)
        found = {**params, **_params(entry.pattern)}
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, here, ns, found)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(
                key=name or here,
                name=name,
                pattern=here,
                params=found,
                defaults=dict(entry.default_args or {}),
            )


def all_routes() -> list[Route]:
    """Every route of ROOT_URLCONF, in resolver order (keys unique: name, else pattern)."""
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver(), "", None, {}):
        seen.setdefault(route.key, route)
    return list(seen.values())
