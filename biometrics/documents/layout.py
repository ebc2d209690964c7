"""A card's layout and orientation: checks on the flattened document's text boxes.

``card_layout``: an ID card has no text where its kind prints the portrait (a letter or a form
quoting a KTP's labels and NIK has). ``flip``: the card turned 180 degrees with its boxes.
``gibberish``: lines that read as no words (the page upside down). ``classify``: which
document the lines belong to.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from biometrics.documents import parsing, sim_parsing
from biometrics.documents.ocr import TextBox, TextLine
from biometrics.documents.results import Kind

# Where an ID-1 card prints its portrait, as shares of the upright card (x0, y0, x1, y1): a KTP
# on the right under the header (with the blank strip between the header and the photo: a
# form's second column runs there), a SIM on the left. Kept a little inside the printed photo,
# so a card flattened a few pixels off still has the photo all over the zone.
PORTRAIT_ZONES = {"ktp": (0.76, 0.14, 0.93, 0.66), "driving_licence": (0.05, 0.22, 0.25, 0.66)}
# Share of the zone that text may cover: a caption or a long value may reach into it, lines of a
# letter or the second column of a form cover a third or more.
PORTRAIT_TEXT_SHARE = 0.2


def card_layout(kind: str, card: np.ndarray, boxes: list[TextBox]) -> bool:
    """Does the upright, flattened document have an ID card's layout: no text where its kind
    prints the portrait? A letter or a form that quotes a NIK with the KTP's own labels has
    the words but not the card. (A card whose photo is covered keeps its layout: it is a card,
    and the face check tells the member that no face was found on it.)"""
    zone = PORTRAIT_ZONES.get(kind)
    if zone is None:
        return True
    height, width = card.shape[:2]
    x0, y0 = round(zone[0] * width), round(zone[1] * height)
    x1, y1 = round(zone[2] * width), round(zone[3] * height)
    covered = np.zeros((y1 - y0, x1 - x0), bool)
    for box in boxes:
        bx0, bx1 = max(x0, round(box.x0)), min(x1, round(box.x1))
        by0, by1 = max(y0, round(box.y0)), min(y1, round(box.y1))
        if bx1 > bx0 and by1 > by0:
            covered[by0 - y0 : by1 - y0, bx0 - x0 : bx1 - x0] = True
    return float(covered.mean()) <= PORTRAIT_TEXT_SHARE


def flip(card: np.ndarray, boxes: list[TextBox]) -> tuple[np.ndarray, list[TextBox]]:
    """Turn the card 180 degrees and carry the boxes along (corners stay clockwise from TL)."""
    height, width = card.shape[:2]
    turned = [
        TextBox(
            points=np.roll(
                np.column_stack([width - b.points[:, 0], height - b.points[:, 1]]), 2, axis=0
            ).astype(np.float32)
        )
        for b in boxes
    ]
    return np.ascontiguousarray(card[::-1, ::-1]), turned


# A page of at least this many lines recognised with a median confidence below this is no
# writing the recogniser knows (it reads upright print at 0.9 and more, upside down at 0.2-0.5).
GIBBERISH_MIN_LINES = 8
GIBBERISH_CONFIDENCE = 0.6


def gibberish(lines: list[TextLine]) -> bool:
    """Do the lines read as gibberish (the page upside down) rather than words?"""
    if len(lines) < GIBBERISH_MIN_LINES:
        return False
    return float(np.median([line.confidence for line in lines])) < GIBBERISH_CONFIDENCE


KTP_LABELS = (
    "Nama",
    "Tempat/Tgl Lahir",
    "Jenis Kelamin",
    "Alamat",
    "Agama",
    "Pekerjaan",
    "Kewarganegaraan",
    "Berlaku Hingga",
    "Kecamatan",
    "Status Perkawinan",
)


def classify(lines: list[TextLine], *, today: date) -> Kind | None:
    """Which document the lines belong to, or None; two independent markers are required."""
    if parsing.mrz_lines(lines) and parsing.contains(lines, "P<", 100):
        return "passport"
    labels = sum(parsing.contains(lines, label, 88) for label in KTP_LABELS)
    nik = parsing.read_nik(lines, today=today)
    # A KTP always prints its province header: a form or a letter that quotes a NIK under a
    # KTP's own labels does not ("SURAT PERNYATAAN"), and its second column may miss the zone
    # where a KTP prints its portrait.
    header = parsing.contains(lines, "PROVINSI")
    if labels >= 2 and header:
        return "ktp"
    if (
        header
        and nik is not None
        and nik.confidence >= 0.6
        and (
            parsing.contains(lines, "NIK", 100)
            or parsing.nik_birth_printed(lines, nik.value, today=today)
        )
    ):
        # The labels' small print too soft to read, but the header, the "NIK" label and a NIK
        # that obeys the NIK rules are two independent markers (the layout is checked after).
        # So is the birth date the NIK encodes, printed on its own line: the labels and "NIK"
        # at the left end of a card bowed in the hand are the most foreshortened print on it.
        return "ktp"
    if parsing.contains(lines, "MENGEMUDI", 80) or parsing.contains(lines, "DRIVINGLICENSE", 85):
        numbered = sum(bool(sim_parsing.NUMBERED.match(line.text.upper())) for line in lines)
        if numbered >= 2 or parsing.contains(lines, "SURATIZIN", 85):
            return "driving_licence"
    if parsing.contains(lines, "PASPOR", 90) or parsing.contains(lines, "PASSPORT", 90):
        return "passport"
    return None
