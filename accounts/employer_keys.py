"""One normalisation of employer names and websites, used on both sides of every comparison.

An employer registers its name and domain; a member types where they work. "Hide me from my
current employer" compares the two, so both go through these functions: the employer's
``Employer.name_key`` and ``Employer.domain``, and the member's ``Employment.employer_name_key``
and ``Employment.employer_domain_key``. A typing difference must never reveal a member.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

# Legal forms dropped from either end of a name: Indonesian (PT, CV, Tbk, Persero, ...) and the
# common foreign ones. "PT Acme Indonesia Tbk" and "Acme Indonesia" are the same employer.
LEGAL_FORMS = frozenset(
    {
        "pt", "cv", "tbk", "persero", "perseroan", "terbatas", "ud", "fa", "firma", "pd",
        "perum", "koperasi", "yayasan", "ltd", "limited", "inc", "incorporated", "llc", "llp",
        "corp", "corporation", "co", "company", "gmbh", "ag", "bv", "nv", "plc", "sa", "sas",
        "srl", "pte", "pty", "sdn", "bhd", "jsc", "kk",
    }
)  # fmt: skip
_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def employer_name_key(name: str) -> str:
    """Return the comparable form of an employer name.

    Accents and case folded, dots inside abbreviations dropped (P.T. is PT), other punctuation
    and runs of whitespace made one space, legal forms removed from both ends.
    """
    text = unicodedata.normalize("NFKD", str(name or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _PUNCTUATION.sub(" ", text.replace(".", ""))
    words = text.split()
    core = list(words)
    while core and core[0] in LEGAL_FORMS:
        core.pop(0)
    while core and core[-1] in LEGAL_FORMS:
        core.pop()
    return " ".join(core or words)[:200]


def domain_key(value: str) -> str:
    """Return the bare host name of a website, e-mail address or domain, or "" if it is none.

    ``https://www.Acme.co.id/karir?x=1``, ``hr@acme.co.id`` and ``acme.co.id.`` all give
    ``acme.co.id``: no scheme, user, port, path, query, trailing dot or leading ``www.``.
    """
    text = str(value or "").strip().lower()
    if not text:
        return ""
    if "://" not in text:
        text = "//" + text  # "acme.co.id/x" and "hr@acme.co.id" parse as a network location
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    host = host.strip(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""
    while host.startswith("www."):
        host = host[4:]
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return ""
    return host[:253]


def domain_suffixes(domain: str) -> list[str]:
    """Return ``domain`` and every parent domain of two labels or more (for subdomain matches).

    ``careers.acme.co.id`` gives ``careers.acme.co.id``, ``acme.co.id``, ``co.id``.
    """
    labels = domain.split(".") if domain else []
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]
