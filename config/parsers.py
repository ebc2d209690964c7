"""The API's JSON parser: DRF's, refusing bodies nested deeper than any endpoint needs.

Python's JSON decoder recurses once per level: ``[[[[...]]]]`` a few thousand levels deep raises
RecursionError, which DRF does not catch (it catches ValueError only), so the API answered 500
to anyone, before sign-in. A body that the decoder survives (up to ~1,000 levels) is still
refused when deeper than ``API_JSON_MAX_DEPTH``: serializers, error flattening and JSON fields
walk it recursively too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def json_depth_exceeds(data: Any, limit: int) -> bool:
    """Whether ``data`` (decoded JSON) nests lists and objects more than ``limit`` deep.

    Iterative, so it cannot itself run out of stack.
    """
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def too_deep() -> ParseError:
    """The refusal for a body nested too deeply (400, code ``parse_error``)."""
    return ParseError(
        _("The JSON body is nested too deeply (at most %(limit)d levels).")
        % {"limit": settings.API_JSON_MAX_DEPTH}
    )


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSONParser, answering 400 instead of 500 for deeply nested bodies."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep() from None
        if json_depth_exceeds(data, settings.API_JSON_MAX_DEPTH):
            raise too_deep()
        return data
