"""How candidate search reads text: title words, city names, education levels, work modes.

Pure functions, no database: the index writer and the filters both read text through them, so a
profile's keys and a recruiter's query always agree.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+[+#]*", re.UNICODE)
_STOP = {"and", "of", "the", "di", "dan", "at", "for", "in", "to", "a", "an"}
REMOTE_MODES = ("onsite", "hybrid", "remote")


def title_terms(text: str, *, limit: int = 60) -> list[str]:
    """Return the distinct lower-case words of ``text`` (titles and keywords match word by word)."""
    seen: list[str] = []
    for word in _WORD.findall(text.lower()):
        if (len(word) > 1 or not word.isalpha()) and word not in _STOP and word not in seen:
            seen.append(word)
            if len(seen) >= limit:
                break
    return seen


def place_norm(value: str) -> str:
    """Return a city name as search stores and matches it: trimmed, single-spaced, lower case."""
    return " ".join(str(value).split()).lower()[:100]


# Education levels a degree is read as, from its free text ("S1 Teknik Informatika", "MBA").
EDUCATION_LEVELS = {1: "secondary", 2: "diploma", 3: "bachelor", 4: "master", 5: "doctorate"}
_DEGREE_PATTERNS: list[tuple[int, re.Pattern[str]]] = [
    (5, re.compile(r"\b(s3|ph\.? ?d|doctor\w*|doktor\w*|dr\.? ?sc)\b")),
    (4, re.compile(r"\b(s2|master\w*|magister|mba|m\.? ?sc|m\.? ?eng|m\.? ?kom|m\. ?m|m\. ?a)\b")),
    (
        3,
        re.compile(
            r"\b("
            r"s1|d4|bachelor\w*|sarjana|b\.? ?sc|b\.? ?eng|"
            r"b\. ?a|s\.? ?kom|s\. ?t|s\. ?e|s\. ?h|s\.? ?ked|"
            r"undergrad\w*"
            r")\b"
        ),
    ),
    (2, re.compile(r"\b(d1|d2|d3|diploma|associate|ahli madya|a\.? ?md)\b")),
    (1, re.compile(r"\b(sma|smk|ma|high school|secondary|slta)\b")),
]


def education_level(degree: str) -> int | None:
    """Return the level 1-5 (``EDUCATION_LEVELS``) a degree's text names, None if unclear."""
    text = " ".join(str(degree).lower().split())
    for level, pattern in _DEGREE_PATTERNS:
        if pattern.search(text):
            return level
    return None
