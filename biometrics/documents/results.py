"""Small typed results of the document check: what was read, and how it compares."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import numpy as np

from biometrics.documents.ocr import TextLine
from biometrics.nik import NikError, nik_parse

Kind = Literal["ktp", "passport", "driving_licence"]
Outcome = Literal["match", "near", "mismatch", "unread"]

# Fields compared with what the member typed, in the order a reviewer reads them.
COMPARED_FIELDS = ("id_type", "id_number", "full_name", "date_of_birth", "sex")


@dataclass(frozen=True)
class ReadField:
    """One value read from the document, with the reader's confidence (0-1)."""

    value: str
    confidence: float
    source: str = "printed"  # printed | mrz | nik
    # Other readings of the same field, compared too: a passport's name printed in the visual
    # zone is `value`, and the MRZ's doubtful one is kept here. Either may be the one misread.
    others: tuple[str, ...] = ()


@dataclass
class DocumentRead:
    """What ``document_read`` found: the document's kind, its fields, and its picture.

    ``problem`` is "" when a document was read, else why not: ``not_found``, or a cause of an
    unreadable document (``cut_off``, ``too_small``, ``blur``, ``glare``, ``unreadable``).
    ``image`` is the rectified, upright document (RGB), whose portrait is the face to match.
    """

    kind: Kind | None = None
    fields: dict[str, ReadField] = field(default_factory=dict)
    problem: str = ""
    image: np.ndarray | None = None
    mrz_failed: tuple[str, ...] = ()  # check digits that do not verify, when read confidently
    mrz_doubtful: bool = False  # a failing check digit's field has a doubtful character
    # the card shows its kind's layout (no text where it prints the portrait): always so for a
    # card whose outline lies whole in the photo; for one running off it, the frame took a
    # corner, not a side
    layout_whole: bool = False
    seconds: float = 0.0
    # The zone's lines as read in this region: line 1, then each read of line 2. In memory
    # only (never stored, nor shown in a repr), to combine with line 2 as read in the photo's
    # other regions.
    mrz_reads: tuple[TextLine, ...] = field(default=(), repr=False)

    @property
    def found(self) -> bool:
        return self.kind is not None

    def value(self, name: str) -> str:
        read = self.fields.get(name)
        return read.value if read else ""

    def as_record(self) -> dict[str, Any]:
        """The values read, for encrypted storage while a case is open (never logged)."""
        return {
            "kind": self.kind,
            "fields": {
                name: {
                    "value": f.value,
                    "confidence": round(f.confidence, 3),
                    "source": f.source,
                    **({"others": list(f.others)} if f.others else {}),
                }
                for name, f in self.fields.items()
            },
        }


@dataclass(frozen=True)
class Typed:
    """What the member typed in the form."""

    id_type: str
    id_number: str
    full_name: str
    date_of_birth: date
    sex: str


@dataclass(frozen=True)
class FieldOutcome:
    """How one typed field compares with the document; no values, only the outcome."""

    field: str
    outcome: Outcome
    confidence: float
    source: str = "printed"

    def as_record(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "outcome": self.outcome,
            "confidence": round(self.confidence, 3),
            "source": self.source,
        }


@dataclass
class DocumentCheck:
    """The document check's result: ``decision`` pass | review | reject, and why.

    ``code`` is a reason code (``document_not_found``, ``document_unreadable``,
    ``document_data_mismatch``, ``document_expired``, ``document_mrz_invalid``,
    ``document_review``) or "" for a pass; ``cause`` qualifies ``document_unreadable``;
    ``mismatched`` names the fields that differ (never the values).
    """

    decision: Literal["pass", "review", "reject"]
    code: str = ""
    cause: str = ""
    kind: str | None = None
    fields: list[FieldOutcome] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)
    read: DocumentRead | None = None
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.decision == "pass"

    def as_record(self) -> dict[str, Any]:
        """What the case keeps after the decision: outcomes, never what was read."""
        return {
            "decision": self.decision,
            "code": self.code,
            "cause": self.cause,
            "kind": self.kind,
            "mismatched": list(self.mismatched),
            "fields": [f.as_record() for f in self.fields],
            "seconds": round(self.seconds, 3),
        }


PASSPORT_FIELDS = ("id_number", "full_name", "date_of_birth", "sex", "expiry")
KTP_FIELDS = ("id_number", "full_name", "date_of_birth", "sex")


def cut_but_verified(read: DocumentRead) -> bool:
    """A document taken for cut off by the frame that was read whole, and verified by itself.

    The document's outline reaching the photo's border is what "cut off" rests on; a page whose
    corner touches the border, whose sheet (a print-out) runs past it, or a card whose corner
    just leaves the frame beside a hand holding it, look the same. When every field was read
    and the document vouches for what was read, nothing the check needs is missing: it is
    judged on what it says, like a whole one (compared with what was typed; a mismatch, an
    expired or a forged zone is refused as ever; a near miss goes to review), and its portrait
    must still be found on the flattened document or the case does not pass.

    - a passport page: every check digit of its zone verified (number, dates, composite);
    - a KTP: its NIK obeys the NIK rules and encodes the birth date and sex printed on it
      (`_ktp_agrees_with_its_nik`), the card's own check of its fields; and the flattened card
      keeps its layout (``layout_whole``: a card cut through its portrait does not).

    A SIM has neither: cut off, it stays refused with the advice to show all of it.
    """
    if read.problem != "cut_off":
        return False
    number = read.fields.get("id_number")
    if read.kind == "passport":
        return (
            number is not None
            and number.source == "mrz"
            and not read.mrz_failed
            and not read.mrz_doubtful
            and all(name in read.fields for name in PASSPORT_FIELDS)
        )
    if read.kind == "ktp":
        return (
            read.layout_whole
            and all(name in read.fields for name in KTP_FIELDS)
            and _ktp_agrees_with_its_nik(read)
        )
    return False


def _ktp_agrees_with_its_nik(read: DocumentRead) -> bool:
    """Does the NIK read obey the NIK rules and encode the birth date and sex read from the
    card (day, month and the year's last two digits: the century is not in the NIK)?"""
    if any(read.fields[name].source != "printed" for name in ("date_of_birth", "sex")):
        return False
    try:
        info = nik_parse(read.value("id_number"))
    except NikError:
        return False
    encoded = (info.birth_date.strftime("%y-%m-%d"), info.sex)
    return encoded == (read.value("date_of_birth")[2:], read.value("sex"))
