"""``document_read(image)``: find, flatten and read an ID document in a photo.

Reusable on its own (a form can be prefilled from it): it returns what was read with a
confidence per field, and the flattened document whose portrait is the face to match. It
never decides whether the member's typed details are right; ``check.document_check`` does.

Cost control (one core): text *detection* runs once per candidate region on a 736 px copy,
and *recognition* only on the lines a parser needs: the two long lines at the bottom first (a
passport's MRZ: two lines and done), then the top half of the card (header, NIK, name, birth,
sex), and the rest only if something is still missing.
"""

from __future__ import annotations

import time
from datetime import date

import numpy as np

from biometrics.documents import (
    card_name,
    locate,
    mrz_reader,
    page_region,
    parsing,
    passport_page,
    quality,
    sim_parsing,
)
from biometrics.documents.layout import card_layout, classify, flip, gibberish
from biometrics.documents.mrz import mrz_parse
from biometrics.documents.ocr import OcrEngine, TextBox, TextLine, engine
from biometrics.documents.results import DocumentRead, ReadField, cut_but_verified
from biometrics.nik import _today

REQUIRED = {
    "ktp": ("id_number",),
    "passport": ("id_number", "date_of_birth"),
    "driving_licence": ("full_name", "date_of_birth"),
}


def _parse(
    kind: str,
    lines: list[TextLine],
    read: DocumentRead,
    card: np.ndarray,
    ocr: OcrEngine,
    *,
    today: date,
) -> None:
    if kind == "ktp":
        read.fields.update(parsing.parse_ktp(lines, today=today))
    elif kind == "driving_licence":
        read.fields.update(sim_parsing.parse_sim(lines, today=today))
    else:
        passport_page.passport_parse(lines, read, card, ocr, today=today)
    if kind in ("ktp", "driving_licence"):
        card_name.name_read_again(kind, lines, read, card, ocr, today=today)
    if kind == "driving_licence":
        card_name.sim_birth_read_again(lines, read, card, ocr, today=today)


def _quick_fields(kind: str, lines: list[TextLine], today: date) -> set[str]:
    if kind == "ktp":
        return set(parsing.parse_ktp(lines, today=today)) | {"date_of_birth"}
    if kind == "driving_licence":
        return set(sim_parsing.parse_sim(lines, today=today))
    return set()


def _read_region(
    img: np.ndarray,
    region: locate.Region,
    ocr: OcrEngine,
    *,
    today: date,
    extend: bool = True,
    overrule: bool = False,
    sharpen: bool = False,
    line2s: list[TextLine] | None = None,
) -> DocumentRead | None:
    """Flatten one candidate region and read it; None if it does not read as a document.

    ``overrule``: read the page the other way up from what the direction model voted.
    ``sharpen``: read a sharpened copy (a soft photo that read as nothing, `_read_soft`).
    ``line2s``: where to keep each read of an MRZ line 2, even one too garbled to parse (its
    end may complete another region's read: `passport_page.combine_regions`).
    """
    flat = locate.rectify(img, region)  # as photographed: blur, glare and the face use this
    card = quality.legible(flat)  # what the OCR reads: contrast stretched when dim or washed out
    if sharpen:
        card = quality.sharpened(card)
    boxes = ocr.detect(card)
    if len(boxes) < 3:
        return quality.unreadable_card(region, flat, boxes)
    upside_down = getattr(ocr, "upside_down", None)
    flipped = upside_down is not None and upside_down(card, boxes) != overrule
    if flipped:
        card, boxes = flip(card, boxes)
        flat = np.ascontiguousarray(flat[::-1, ::-1])
    height, width = card.shape[:2]
    lines: list[TextLine] = []
    done: set[int] = set()

    def read(selected: list[TextBox]) -> None:
        todo = [b for b in selected if id(b) not in done]
        done.update(id(b) for b in todo)
        lines.extend(ocr.recognise(card, todo))

    mrz = mrz_reader.mrz_boxes(boxes, width, height)
    if mrz is not None:
        pair, parsed = None, None
        for sharpen in (False, True):
            # A line whose fillers were not found as cells (glare or haze over part of the
            # zone) is collapsed by the recogniser and does not parse at all: read it once
            # more from a sharpened copy, whose filler glyphs stand out again.
            pair = mrz_reader.mrz_read(card, mrz, ocr, sharpen=sharpen)
            if pair is None:
                break  # the row taken for line 2 holds too few digits: no MRZ here
            if line2s is not None:
                line2s.append(pair[1])
            parsed = mrz_parse(pair[0].text, pair[1].text)
            if parsed is not None and parsed.plausible:
                break
        if pair is not None and parsed is not None and parsed.plausible:
            result = DocumentRead(kind="passport", image=flat)
            passport_page.passport_parse(list(pair), result, card, ocr, today=today)
            if "number" in result.mrz_failed:
                # the number misread as look-alikes the check digits cannot choose between:
                # the visual zone's number, if it verifies the zone, settles it
                line2 = passport_page.zone_with_printed_number(card, boxes, mrz, pair, ocr)
                if line2 is not None:
                    result = DocumentRead(kind="passport", image=flat)
                    passport_page.passport_parse([pair[0], line2], result, card, ocr, today=today)
            if passport_page.doubtful_name(pair[0], result) and "id_number" in result.fields:
                printed = passport_page.printed_name(
                    card, boxes, mrz, result.value("id_number"), ocr
                )
                mrz_name = result.fields.get("full_name")
                if printed is not None:
                    result.fields["full_name"] = ReadField(
                        printed.value,
                        printed.confidence,
                        others=() if mrz_name is None else (mrz_name.value,),
                    )
            if "id_number" not in result.fields:
                result.problem = quality.cause(region, flat)
            elif region.truncated:
                result.problem = "cut_off"
            return result
    words = [b for b in boxes if b.width > 1.3 * b.height]  # not lone colons or letters
    # First the left half of the band under the header: a KTP's NIK, name, birth and sex rows
    # (labels and values), a SIM's number and lines 1-3. Then the header, then the rest.
    read([b for b in words if 0.14 * height < b.cy < 0.5 * height and b.x0 < 0.5 * width])
    kind = classify(lines, today=today)
    if kind is None:
        read([b for b in words if b.cy <= 0.14 * height])
        kind = classify(lines, today=today)
    if kind is None or any(
        name not in _quick_fields(kind, lines, today) for name in REQUIRED[kind]
    ):
        read(words)
        kind = kind or classify(lines, today=today)
    if kind == "driving_licence" and "sex" not in _quick_fields(kind, lines, today):
        read([b for b in words if 0.4 * height < b.cy < 0.65 * height])  # line 3: sex
    if kind == "driving_licence" and "expiry" not in _quick_fields(kind, lines, today):
        read([b for b in words if b.cy > 0.75 * height])  # the expiry line, at the bottom
        if "expiry" not in _quick_fields(kind, lines, today):
            read(words)
    elif kind == "ktp" and not _complete(
        DocumentRead(fields=parsing.parse_ktp(lines, today=today))
    ):
        read([b for b in words if b.cy < 0.5 * height])  # a value that starts further right
    if kind is None and not overrule and gibberish(lines):
        # Many lines and none of them words: the direction model, voting on small soft print,
        # may have left the page upside down. Read it the other way up once.
        again = _read_region(
            img,
            region,
            ocr,
            today=today,
            extend=extend,
            overrule=True,
            sharpen=sharpen,
            line2s=line2s,
        )
        if again is not None:
            return again
    if kind is None:
        return quality.unreadable_card(region, flat, boxes)
    partial = region.truncated or (region.whole_frame and not locate.scan_like(region))
    if not partial and not card_layout(kind, card, boxes):
        # A KTP's or a SIM's words without a card's layout: a letter, a form; or a card whose
        # outline was found only up to its portrait's edge: read it widened to a card there
        # (not past the photo's border: its portrait is then cut off, and the zone empty).
        wider = locate.widened(region, img.shape, left=(kind == "driving_licence") != flipped)
        if extend and wider is not None and not wider.truncated:
            again = _read_region(
                img, wider, ocr, today=today, extend=False, sharpen=sharpen, line2s=line2s
            )
            return again if again is not None and again.kind == kind else None
        return None
    # (a card cut off by the frame is flattened out of proportion, so its layout cannot be
    # judged; it is never usable either: it is reported cut off below)
    result = DocumentRead(kind=kind, image=flat)
    result.layout_whole = not partial or card_layout(kind, card, boxes)
    _parse(kind, lines, result, card, ocr, today=today)
    if kind == "passport" and "id_number" not in result.fields and extend:
        # A passport page without its MRZ: the outline may have stopped at the MRZ band's
        # edge (another shade of paper). Read the page lengthened to a passport's proportions,
        # then, seen at a slant, by at least the band's share of a page.
        tried: list[np.ndarray] = []
        for at_least in (1.0, page_region.MRZ_BAND_FACTOR):
            longer = page_region.extended(
                region, locate.ID3_ASPECT, upward=flipped, at_least=at_least
            )
            if longer is None or any(np.allclose(longer.corners, c, atol=4) for c in tried):
                continue
            tried.append(longer.corners)
            again = _read_region(
                img, longer, ocr, today=today, extend=False, sharpen=sharpen, line2s=line2s
            )
            if again is not None and again.kind == "passport" and "id_number" in again.fields:
                return again
    if (
        any(name not in result.fields for name in REQUIRED[kind])
        and not (kind == "passport" and result.mrz_failed)
        and not _mostly_read(result)
    ):
        result.problem = quality.cause(region, flat)
    elif (region.whole_frame and not locate.scan_like(region)) or region.truncated:
        # Read, but not whole in the photo (or its edges were not found): the portrait may be
        # missing, and could not be told from other faces in the picture. The region may also
        # be the card merged with a busy background that runs off the frame: grow the card
        # from its own text's paper and read it again; it is cut off only if that fails.
        result.problem = "cut_off"
        if extend and not region.whole_frame:
            again = _regrown(
                img, region, card, boxes, flipped, ocr, today=today, read=result, line2s=line2s
            )
            if again is not None and _better(again, result):
                return again
    return result


def _regrown(
    img: np.ndarray,
    region: locate.Region,
    card: np.ndarray,
    boxes: list[TextBox],
    flipped: bool,
    ocr: OcrEngine,
    *,
    today: date,
    read: DocumentRead,
    line2s: list[TextLine] | None = None,
) -> DocumentRead | None:
    """The document grown from the paper around its text lines (found on a region that runs
    off the photo), read again when it lies whole inside the photo; else None.

    ``read``: what the region that ran off the photo read. A card grown at a tighter colour
    tolerance must read the same number and at least every field ``read`` holds: it may
    otherwise be the card joined to another paper about it, whose words join the card's rows.
    """
    height, width = card.shape[:2]
    points = []
    for box in boxes:
        corners = box.points.astype(np.float32)
        if flipped:  # the boxes were turned with the card: back to the region's own frame
            corners = np.column_stack([width - corners[:, 0], height - corners[:, 1]])
        points.append(locate.to_photo(region, corners, width=width))
    best: DocumentRead | None = None
    for tolerance, grown in locate.regions_from_text(img, points, whole_only=True):
        again = _read_region(img, grown, ocr, today=today, extend=False, line2s=line2s)
        if again is not None and tolerance < 1 and not _same_card(again, read):
            continue
        if again is not None and (best is None or _better(again, best)):
            best = again
        if best is not None and not best.problem:
            break
    return best


def _same_card(again: DocumentRead, first: DocumentRead) -> bool:
    """Does ``again`` read the same document as ``first``, at least as well: its kind, its
    number, and every field ``first`` read? (A name may differ: the region that ran off the
    photo may have joined other words to the card's rows.)"""
    return (
        again.kind == first.kind
        and again.value("id_number") == first.value("id_number")
        and set(first.fields) <= set(again.fields)
    )


# A document whose ID number and this many of its other compared fields were read confidently
# is identified: a field still missing (a soft birth line) is for a person to read, not a reason
# to ask the member for another photo.
MOSTLY_READ_OTHERS = 2
MOSTLY_READ_CONFIDENT = 0.6


def _mostly_read(read: DocumentRead) -> bool:
    """Were the ID number and at least two of name, birth date and sex read confidently?"""

    def confident(name: str) -> bool:
        field = read.fields.get(name)
        return field is not None and field.confidence >= MOSTLY_READ_CONFIDENT

    others = sum(confident(name) for name in ("full_name", "date_of_birth", "sex"))
    return confident("id_number") and others >= MOSTLY_READ_OTHERS


def _complete(read: DocumentRead) -> bool:
    return all(name in read.fields for name in ("id_number", "full_name", "date_of_birth", "sex"))


def _better(candidate: DocumentRead, current: DocumentRead) -> bool:
    """Prefer a read without a problem, then one whose machine-readable zone verified, then
    the one with more fields."""
    if bool(candidate.problem) != bool(current.problem):
        return not candidate.problem
    if _unverified(candidate) != _unverified(current):
        return not _unverified(candidate)
    return len(candidate.fields) > len(current.fields)


def _unverified(read: DocumentRead) -> bool:
    """A passport page whose zone failed a check digit (or left one doubtful)."""
    return bool(read.mrz_failed) or read.mrz_doubtful


def _read_grown(
    img: np.ndarray,
    whole: locate.Region,
    ocr: OcrEngine,
    *,
    today: date,
    line2s: list[TextLine] | None = None,
) -> DocumentRead | None:
    """Find text in the whole photo, grow a document region from its colour, and read that
    (``line2s`` as for `_read_region`)."""
    card = locate.rectify(img, whole)
    factor = img.shape[1] / card.shape[1]
    boxes = ocr.detect(quality.legible(card))
    if len(boxes) < 2:  # a card's small print turned far from level: the detector finds little
        return None
    points = [b.points * factor for b in boxes]
    result: DocumentRead | None = None
    for _tolerance, grown in locate.regions_from_text(img, points):
        # a tighter read replaces a first only if it reads the same card (as in _regrown)
        again = _read_region(img, grown, ocr, today=today, line2s=line2s)
        if again is not None and (
            result is None or (_same_card(again, result) and _better(again, result))
        ):
            result = again
        if result is not None and not result.problem and "id_number" in result.fields:
            return result
    # The paper's colour did not give the page (a print-out on a white sheet, a washed-out
    # page): a passport's two MRZ lines place the page around them.
    for flipped in (False, True):
        page = page_region.region_from_mrz(img.shape, points, flipped=flipped)
        if page is None:
            break
        again = _read_region(img, page, ocr, today=today, extend=False, line2s=line2s)
        for scale in MRZ_PAGE_SCALES:
            if again is None or again.kind != "passport" or passport_page.mrz_verified(again):
                break
            # The zone did not verify: the lines found on the whole photo may have stopped
            # short of its end (faint filler runs), and the page placed from them with it,
            # cutting off the zone's last check digits. Place a larger page.
            larger = page_region.region_from_mrz(img.shape, points, flipped=flipped, scale=scale)
            bigger = (
                None
                if larger is None
                else _read_region(img, larger, ocr, today=today, extend=False, line2s=line2s)
            )
            if bigger is not None and passport_page.mrz_verified(bigger):
                again = bigger
        if again is not None and again.kind == "passport" and "id_number" in again.fields:
            return again if result is None or _better(again, result) else result
    return result


# A region whose flattened photo is softer than this (variance of the Laplacian at 1000 px; a
# sharp card measures 450-1400) and that read as nothing usable is read once more sharpened:
# the text detector finds a soft print-out's lines only in pieces, or not at all (a page
# bowed in the hand, printed and photographed again: 6 boxes, its MRZ lines cut at half
# their length; sharpened, 12 and the zone). At most SOFT_REGIONS regions, clean outlines only.
SOFT_LIMIT = 120.0
SOFT_REGIONS = 2


def _read_soft(
    img: np.ndarray, regions: list[locate.Region], ocr: OcrEngine, *, today: date
) -> DocumentRead | None:
    """The best read of the photo's soft, cleanly outlined regions, sharpened."""
    best: DocumentRead | None = None
    tried = 0
    for region in regions:
        if region.whole_frame or region.fit < 0.9 or tried == SOFT_REGIONS:
            continue
        if quality.sharpness(locate.rectify(img, region)) >= SOFT_LIMIT:
            continue
        tried += 1
        read = _read_region(img, region, ocr, today=today, sharpen=True)
        if read is not None and (best is None or _better(read, best)):
            best = read
    return best


def _read_turned(img: np.ndarray, ocr: OcrEngine, *, today: date) -> DocumentRead | None:
    """The photo's text read a quarter turn either way, when nothing was found upright.

    A document held on its side (a passport page turned 75 degrees, a hand over one end and the
    frame's edge over the other) has no outline to flatten, and the page placed from its text
    takes lines across, not down, the photo: turned, its MRZ lines run across. Paid only by
    photos in which nothing read as a document (two more text detections on the whole photo).
    """
    found: DocumentRead | None = None
    for turns in (1, 3):
        turned = np.ascontiguousarray(np.rot90(img, turns))
        whole = locate.whole_frame(turned)
        if locate.scan_like(whole):
            continue  # read as a scan already, upright or upside down
        read = _read_grown(turned, whole, ocr, today=today)
        if read is None or not read.found:
            continue
        if not read.problem or cut_but_verified(read):
            return read
        found = found or read  # found, but cut off or unreadable: the advice says which
    return found


# How much larger than placed from its lines a passport page is tried when its zone did not
# verify (the lines' filler ends lost: the zone is 44 cells, a line found may hold 34).
MRZ_PAGE_SCALES = (1.2, 1.4)


def document_read(
    img: np.ndarray, *, ocr: OcrEngine | None = None, today: date | None = None
) -> DocumentRead:
    """Find, flatten and read the ID document in an RGB photo.

    Returns a ``DocumentRead`` whose ``kind`` is None (``problem="not_found"``) when no
    candidate region reads as a KTP, SIM or passport: selfies, group photos, screenshots of
    text, blank or unrelated cards.
    """
    started = time.perf_counter()
    ocr = ocr or engine()
    today = today or _today()
    result: DocumentRead | None = None
    line2s: list[TextLine] = []  # MRZ line 2 as read in each region
    regions = locate.document_regions(img)
    for region in regions:
        if region.whole_frame and not locate.scan_like(region):
            # The photo is not shaped like a document, so it is not a scan of one: its text
            # only tells where a document whose outline the edge search missed may be.
            candidate = _read_grown(img, region, ocr, today=today, line2s=line2s)
        else:
            candidate = _read_region(img, region, ocr, today=today, line2s=line2s)
        if candidate is None:
            continue
        line2s.extend(candidate.mrz_reads[2:])  # its zone read again from a sharpened copy
        if result is not None and passport_page.name_from_next_region(result, candidate):
            break
        if result is None or _better(candidate, result):
            result = candidate
        # A page whose zone failed a check digit read from one region may verify from another
        # (one that flattens it whole, its last check digits not cut off): read on. So may a
        # page whose zone verified but whose name was read with doubt: its name is read again.
        if (
            not result.problem
            and _complete(result)
            and not _unverified(result)
            and not passport_page.name_in_doubt(result)
        ):
            break
    if result is not None and _unverified(result):
        passport_page.combine_regions(result, line2s, today=today)
    if result is None or (result.problem and not cut_but_verified(result)):
        soft = _read_soft(img, regions, ocr, today=today)
        if soft is not None and (result is None or _better(soft, result)):
            result = soft
    if result is None:
        result = _read_turned(img, ocr, today=today)
    if result is None:
        # Nothing reads as an ID. A card too blurred to read lands here too: the advice for
        # document_not_found asks for a sharp photo of the whole card.
        result = DocumentRead(problem="not_found")
    result.seconds = time.perf_counter() - started
    return result
