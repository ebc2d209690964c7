"""``document_check``: is the photo a real ID document, and does it say what the member typed?

Pure: from a decoded photo and the typed details to a ``DocumentCheck`` (decision, reason
code, per-field outcomes without values). ``cross_check`` is the comparison alone, so it is
unit-tested on hand-made reads.

Three-way check on a KTP: typed vs printed vs what the printed NIK encodes. The NIK and the
birth date must match exactly; a printed date one digit off from the typed one, while the NIK
(read exactly) encodes the typed date, is an OCR slip that two sources out-vote. Names are
compared by similarity (rapidfuzz) with spaces ignored (the recogniser drops them) and in any
word order (a passport's MRZ puts the surname first): ``NAME_MATCH`` or more matches, down to
``NAME_NEAR`` goes to a person, below is a mismatch. Anything read with doubt (a weak
character in the ID number, a check digit that fails on a doubtful character) goes to review,
never to a rejection.
"""

from __future__ import annotations

import re
import time
from datetime import date
from typing import Literal

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from biometrics.documents.mrz import CHECK_BLIND_LETTERS, NUMBER_CELLS
from biometrics.documents.ocr import OcrEngine
from biometrics.documents.parsing import DATE_PART_LOST, letters
from biometrics.documents.reader import document_read
from biometrics.documents.results import (
    DocumentCheck,
    DocumentRead,
    FieldOutcome,
    Outcome,
    Typed,
    cut_but_verified,
)
from biometrics.nik import NikError, nik_parse

NAME_MATCH = 86.0
NAME_NEAR = 70.0
# Below this reading confidence a different-looking name is a doubt for a person, not proof.
NAME_READ_CONFIDENT = 0.8
# A name read this many letters off the typed one (inserted, dropped or changed) is a near
# miss whatever its similarity: a short name's one slip scores below NAME_NEAR.
NAME_LETTERS_OFF = 1
# A field read with less confidence than this is "near" at best: a person looks.
FIELD_CONFIDENT = 0.6
# A printed birth date read with less confidence than this that contradicts a NIK agreeing
# with the member goes to a person, not to a rejection (genuine dates read at 0.9 and more).
DATE_READ_CONFIDENT = 0.85
# Characters an MRZ number that failed its own check digit may differ from the typed one by
# and still go to a person rather than be refused as another number.
UNVERIFIED_NUMBER_SLIPS = 2

CODE_NOT_FOUND = "document_not_found"
CODE_UNREADABLE = "document_unreadable"
CODE_MISMATCH = "document_data_mismatch"
CODE_EXPIRED = "document_expired"
CODE_MRZ_INVALID = "document_mrz_invalid"
CODE_REVIEW = "document_review"


def name_similarity(typed: str, read: str) -> float:
    """0-100: how alike two names are, ignoring case, spaces, punctuation and word order."""

    def words(text: str) -> list[str]:
        return re.sub(r"[^A-Z ]", " ", text.upper()).split()

    a, b = words(typed), words(read)
    if not a or not b:
        return 0.0
    flat_a, flat_b = "".join(a), "".join(b)
    sorted_a = "".join(sorted(a))
    return max(
        fuzz.ratio(flat_a, flat_b),
        # letter pairs the recogniser merges in soft print ("WIJAYA" read "WUAYA")
        fuzz.ratio(_glyphs_folded(flat_a), _glyphs_folded(flat_b)),
        fuzz.token_sort_ratio(" ".join(a), " ".join(b)),
        # the read name without spaces against the typed words in any order
        max(fuzz.ratio("".join(p), flat_b) for p in _orders(a)) if len(a) <= 4 else 0,
        fuzz.ratio(sorted_a, "".join(sorted(b))),
    )


# Two letters that soft or small print runs together into one glyph, and that glyph: folded on
# both sides, a name read with one of them merged compares as read right. Names that differ
# only by such a pair are not told apart by this comparison; no two names do in practice.
GLYPH_MERGES = (("IJ", "U"), ("RN", "M"), ("VV", "W"), ("CL", "D"))


def _glyphs_folded(flat: str) -> str:
    for pair, glyph in GLYPH_MERGES:
        flat = flat.replace(pair, glyph)
    return flat


def _orders(words: list[str]) -> list[list[str]]:
    from itertools import permutations

    return [list(p) for p in permutations(words)]


def _digits_apart(a: str, b: str) -> int:
    if len(a) != len(b):
        return max(len(a), len(b))
    return sum(x != y for x, y in zip(a, b, strict=True))


def _outcome(
    name: str, outcome: Outcome, confidence: float, source: str = "printed"
) -> FieldOutcome:
    return FieldOutcome(field=name, outcome=outcome, confidence=confidence, source=source)


def _padding_misread(read_number: str, typed_number: str) -> bool:
    """Is the MRZ number as read the typed one followed by letters the check digits cannot
    tell from the filler that pads it to its nine cells?"""
    tail = read_number[len(typed_number) :]
    return (
        read_number.startswith(typed_number)
        and len(read_number) <= NUMBER_CELLS
        and bool(tail)
        and all(ch in CHECK_BLIND_LETTERS for ch in tail)
    )


def _normalised_number(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def cross_check(read: DocumentRead, typed: Typed, *, today: date) -> list[FieldOutcome]:
    """Compare each typed field with the document; outcomes only."""
    state: Outcome
    out: list[FieldOutcome] = [
        _outcome("id_type", "match" if read.kind == typed.id_type else "mismatch", 1.0)
    ]
    fields = read.fields
    number = fields.get("id_number")
    typed_number = _normalised_number(typed.id_number)
    nik_info = None
    if number is None:
        out.append(_outcome("id_number", "unread", 0.0))
    else:
        read_number = _normalised_number(number.value)
        if read.kind == "driving_licence":
            read_number, typed_number = (
                re.sub(r"\D", "", read_number),
                re.sub(r"\D", "", typed_number),
            )
        apart = _digits_apart(read_number, typed_number)
        if apart == 0:
            state = "match" if number.confidence >= FIELD_CONFIDENT else "near"
        elif (
            apart == 1
            and number.source != "mrz"
            and (number.confidence < FIELD_CONFIDENT or read.kind == "driving_licence")
        ):
            # A SIM number has no check digit and no rules (unlike the MRZ's check digits and
            # the NIK's, which the issue requires to match exactly): one digit off may be the
            # recogniser's slip, read confidently or not, so a person compares.
            state = "near"
        elif (
            number.source == "mrz"
            and "number" in read.mrz_failed
            and Levenshtein.distance(read_number, typed_number) <= UNVERIFIED_NUMBER_SLIPS
        ):
            # The MRZ's number failed its own check digit: the read is proven wrong somewhere,
            # so a number typed one or two characters off it ("B3716003" read "83716003";
            # "C0185401" read "CE185491" from a soft print-out; "A8835813" read "A883581<",
            # a character dropped and the line shifted) is the recogniser's slip as likely as a
            # change. A person compares; further off is another number.
            state = "near"
        elif number.source == "mrz" and _padding_misread(read_number, typed_number):
            # The number's padding "<" read as A, K or U: their values (10, 20, 30) weigh
            # nothing in any check digit, so the zone cannot tell them apart ("A5824269<"
            # read "A5824269K" on a soft photo). A person compares.
            state = "near"
        else:
            state = "mismatch"
        out.append(_outcome("id_number", state, number.confidence, number.source))
        if read.kind == "ktp":
            try:
                nik_info = nik_parse(read_number, today=today)
            except NikError:
                nik_info = None

    name = fields.get("full_name")
    if name is None or len(letters(name.value)) < 2:
        out.append(_outcome("full_name", "unread", 0.0))
    else:
        # the reading closest to what was typed (a passport's name is read twice when the
        # MRZ's is doubtful: from the MRZ and from the visual zone; each may be the misread one)
        score, closest = max(
            (name_similarity(typed.full_name, value), value) for value in (name.value, *name.others)
        )
        state = "match" if score >= NAME_MATCH else "near" if score >= NAME_NEAR else "mismatch"
        read_letters, typed_letters = letters(closest), letters(typed.full_name)
        if state == "mismatch" and (
            name.confidence < NAME_READ_CONFIDENT
            # one letter off: a short name's slip weighs more than the similarity allows
            # ("DWI" read "DWT" from a SIM scores 67); a person compares
            or Levenshtein.distance(read_letters, typed_letters) <= NAME_LETTERS_OFF
            or len(read_letters) < len(typed_letters) / 2
            or (
                len(read_letters) < len(typed_letters)
                and fuzz.partial_ratio(read_letters, typed_letters) >= NAME_MATCH
            )
        ):
            # a name read with doubt, or only in part (a blurred MRZ line 1 loses letters; soft
            # print loses a SIM's first names: "UHHASIBUAN" for SRI FITRI HASIBUAN, the part
            # read alike the typed name's end), never rejects on its own: a person compares
            state = "near"
        out.append(_outcome("full_name", state, min(name.confidence, score / 100), name.source))

    born = fields.get("date_of_birth")
    typed_born = typed.date_of_birth.isoformat()
    encoded_born = nik_info.birth_date.isoformat() if nik_info else None
    if born is None and encoded_born is None:
        out.append(_outcome("date_of_birth", "unread", 0.0))
    elif born is None or (
        born.source == "printed" and born.confidence <= DATE_PART_LOST and encoded_born
    ):
        # Not printed legibly, or read with a digit of its day or month lost ("2-0L-190"
        # for 28-06-1960: what is left proves nothing): the date the NIK encodes stands in.
        state = "match" if encoded_born == typed_born else "mismatch"
        out.append(_outcome("date_of_birth", state, 0.9, "nik"))
    else:
        apart = _digits_apart(born.value, typed_born)
        if apart == 0:
            state = "match"
        elif apart == 1 and encoded_born == typed_born:
            state = "match"  # printed date misread by one digit; the NIK and the member agree
        elif apart == 1 and born.source != "mrz":
            state = "near"  # a printed date one digit off: the recogniser's slip, or not
        elif born.source == "printed" and born.confidence <= DATE_PART_LOST:
            # a digit of its day or month was lost and no NIK gives the date (one that does
            # stands in, above): what is left proves nothing
            state = "near"
        elif (
            born.source == "printed"
            and born.confidence < DATE_READ_CONFIDENT
            and encoded_born == typed_born
        ):
            # A date read with doubt ("E MAKASSAR.L" and a garbled date read as 02-01-1900)
            # contradicts the NIK, which agrees with the member: the recogniser's slip as
            # likely as a forged card. A person compares; read confidently, it is a mismatch.
            state = "near"
        elif (
            born.source == "mrz"
            and "birth" in read.mrz_failed
            and _digits_apart(born.value[2:], typed_born[2:]) == 1
        ):
            # an MRZ date that failed its own check digit is unverified (as an MRZ number that
            # failed its own is): one digit off in the zone's YYMMDD may be the recogniser's
            # slip (its century is inferred: "911205" is 1991, typed 2001-12-05)
            state = "near"
        else:
            state = "mismatch"
        if state == "match" and encoded_born and _digits_apart(born.value, encoded_born) > 1:
            state = "mismatch"  # the card contradicts itself: printed date vs its own NIK
        out.append(_outcome("date_of_birth", state, born.confidence, born.source))

    sex = fields.get("sex")
    encoded_sex = nik_info.sex if nik_info else None
    if sex is None and encoded_sex is None:
        out.append(_outcome("sex", "unread", 0.0))
    elif sex is None or (encoded_sex and sex.value != encoded_sex and sex.confidence < 0.9):
        out.append(_outcome("sex", "match" if encoded_sex == typed.sex else "mismatch", 0.9, "nik"))
    else:
        state = "match" if sex.value == typed.sex else "mismatch"
        if state == "match" and encoded_sex and encoded_sex != sex.value:
            state = "mismatch"
        out.append(_outcome("sex", state, sex.confidence, sex.source))
    return out


def decide(read: DocumentRead, outcomes: list[FieldOutcome], *, today: date) -> DocumentCheck:
    """Turn a read and its field outcomes into the check's decision and reason code."""

    def check(
        decision: Literal["pass", "review", "reject"],
        code: str,
        *,
        cause: str = "",
        mismatched: list[str] | None = None,
    ) -> DocumentCheck:
        return DocumentCheck(
            decision,
            code,
            cause=cause,
            kind=read.kind,
            fields=outcomes,
            mismatched=mismatched or [],
            read=read,
        )

    if not read.found:
        if read.problem and read.problem != "not_found":
            return check("reject", CODE_UNREADABLE, cause=read.problem)
        return check("reject", CODE_NOT_FOUND)
    whole_zone = cut_but_verified(read)
    if read.problem and not whole_zone:
        return check("reject", CODE_UNREADABLE, cause=read.problem)
    if read.kind == "passport" and read.mrz_failed and not read.mrz_doubtful:
        return check("reject", CODE_MRZ_INVALID)
    expiry = read.fields.get("expiry")
    if expiry is not None and expiry.value < today.isoformat():
        return check("reject", CODE_EXPIRED)
    mismatched = [o.field for o in outcomes if o.outcome == "mismatch"]
    if mismatched:
        return check("reject", CODE_MISMATCH, mismatched=mismatched)
    if read.mrz_doubtful or any(o.outcome in ("near", "unread") for o in outcomes):
        return check("review", CODE_REVIEW)
    return check("pass", "")


def document_check(
    img: np.ndarray, typed: Typed, *, today: date, ocr: OcrEngine | None = None
) -> DocumentCheck:
    """Read the document in an RGB photo and compare it with what the member typed."""
    started = time.perf_counter()
    read = document_read(img, ocr=ocr, today=today)
    outcomes = cross_check(read, typed, today=today) if read.found else []
    result = decide(read, outcomes, today=today)
    result.seconds = time.perf_counter() - started
    return result
