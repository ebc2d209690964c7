"""A KTP whose small print is too soft for the detector or the recogniser: the NIK joined to
its label when the colon between them was not read, and the name's row when its label was not
detected at all. Real OCR on drawn documents, with the soft print simulated on top of it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import numpy as np

from biometrics.documents import ocr
from biometrics.documents.check import document_check
from biometrics.documents.ocr import TextBox, TextLine
from biometrics.documents.reader import document_read
from biometrics.documents.results import ReadField, Typed
from biometrics.tests import factories as f
from biometrics.tests.ocr_cache import MrzFoundShort, PassThrough

TODAY = date(2026, 1, 15)


def box(x0: float, y0: float, x1: float, y1: float) -> TextBox:
    return TextBox(points=np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32))


def line(text: str, x0: float, y: float, width: float = 400) -> TextLine:
    """A line of text read at 0.9, its box 30 px tall from (x0, y)."""
    return TextLine(box(x0, y, x0 + width, y + 30), text, confidence=0.9, weakest=0.9)


class _ColonLost(PassThrough):
    """The real engine, except that the colon before the NIK is not read (": 3174..." comes
    back as "3174...", as it does in soft print): the row then reads "NIK3174..."."""

    def recognise(self, img: np.ndarray, boxes: list[TextBox]) -> list[TextLine]:
        return [
            TextLine(line.box, re.sub(r"^[:：;.\s]+", "", line.text), line.confidence, line.weakest)
            if re.search(r"\d{12}", line.text)
            else line
            for line in self.real.recognise(img, boxes)
        ]


class _LabelsNotDetected(PassThrough):
    """The real engine, except that the detector finds none of the small labels left of the
    values ("Nama", "Tempat/Tgl Lahir", ...) but the large "NIK": soft print at a slant."""

    def detect(self, img: np.ndarray) -> list[TextBox]:
        boxes = self.real.detect(img)
        width = img.shape[1]
        labels = [b for b in boxes if b.x1 < 0.28 * width]
        keep = {
            id(line.box)
            for line in self.real.recognise(img, labels)
            if line.text.strip().upper() == "NIK"
        }
        return [b for b in boxes if b.x1 >= 0.28 * width or id(b) in keep]


def test_a_nik_read_joined_to_its_label_is_still_the_nik():
    # given a KTP whose colon between "NIK" and the number is not read
    img = f.stored_array(f.document("ktp"))
    engine = _ColonLost()
    # when it is read
    read = document_read(img, ocr=engine, today=TODAY)
    # then the row "NIK3174..." still gives the 16-digit NIK exactly, and the card passes
    assert (read.kind, read.problem) == ("ktp", "")
    assert read.value("id_number") == f.NIK
    typed = Typed("ktp", f.NIK, f.NAME, f.DOB, f.SEX)
    assert document_check(img, typed, today=TODAY, ocr=engine).decision == "pass"


def test_a_ktp_name_whose_label_was_not_detected_is_the_value_under_the_nik():
    # given a KTP whose labels' small print the detector did not find ("NIK" aside)
    img = f.stored_array(f.document("ktp"))
    engine = _LabelsNotDetected()
    # when it is read
    read = document_read(img, ocr=engine, today=TODAY)
    # then the lone value right under the NIK's value is the name, and the card passes
    assert (read.kind, read.problem) == ("ktp", "")
    assert read.value("full_name") == f.NAME.upper()
    typed = Typed("ktp", f.NIK, f.NAME, f.DOB, f.SEX)
    assert document_check(img, typed, today=TODAY, ocr=engine).decision == "pass"
    # and another person's name is still caught
    other = Typed("ktp", f.NIK, "Bambang Sutrisno", f.DOB, f.SEX)
    assert document_check(img, other, today=TODAY, ocr=engine).decision == "reject"


def test_a_lone_row_with_digits_under_the_nik_is_no_name():
    from biometrics.documents.parsing import parse_ktp

    # the name's row not detected at all: the row under the NIK is the birth row, label unread
    lines = [
        line("PROVINSI JAWA TIMUR", 300, 10),
        line("NIK", 30, 100, 80),
        line(":3578074309708739", 200, 100),
        line("SURABAYA, 03-09-1970", 210, 150),
    ]
    assert "full_name" not in parse_ktp(lines, today=TODAY)
    # a lone value in the value column without digits is the name
    lines[-1] = line("RATNA PURNAMA", 210, 150)
    assert parse_ktp(lines, today=TODAY)["full_name"].value == "RATNA PURNAMA"
    # a lone box far left of the values (a label the recogniser could not read) is not
    lines[-1] = line("Nuwu", 30, 150, 80)
    assert "full_name" not in parse_ktp(lines, today=TODAY)


def test_a_passport_number_digit_shaped_like_the_filler_is_read_not_cut_out(monkeypatch):
    # given a passport whose number holds two 4s at check-digit weights 3 and 7 (they cancel:
    # "X<6<2089" has the same check digit as "X4642089"), in a font whose 4 the cell reader
    # finds as alike to the filler as the filler itself
    from biometrics.documents import mrz_cells

    real = mrz_cells.filler_similarity

    def fours_alike(glyphs: np.ndarray, candidates: np.ndarray | None = None) -> np.ndarray:
        similarity = real(glyphs, candidates)
        if candidates is not None:  # line 2
            similarity = similarity.copy()
            similarity[[1, 3]] = 0.95
        return similarity

    monkeypatch.setattr(mrz_cells, "filler_similarity", fours_alike)
    img = f.stored_array(f.document("passport", id_number="X4642089"))
    # when it is read
    read = document_read(img, today=TODAY)
    # then the number is read whole (a left-justified number has no filler before a character)
    assert (read.kind, read.problem) == ("passport", "")
    assert read.value("id_number") == "X4642089"
    typed = Typed("passport", "X4642089", f.NAME, f.DOB, f.SEX)
    assert document_check(img, typed, today=TODAY).decision == "pass"


def test_a_card_photographed_at_a_steep_slant_is_found_by_its_outline():

    from biometrics.documents import locate

    # given a KTP on a plain table, seen so steeply that its sides measure 2.0 to one (27 %
    # over a card's 1.586; a slanted genuine card was measured at 2.02)
    corners = [[250, 260], [1250, 200], [1290, 700], [290, 760]]
    photo = f.card_on_table(f.flat_document_array("ktp"), corners, (1500, 1000), (120, 60, 140))
    img = f.stored_array(_jpeg(photo))
    # when the document is looked for and read
    regions = [r for r in locate.document_regions(img) if not r.whole_frame]
    read = document_read(img, today=TODAY)
    # then its clean outline is a candidate, and the card is read from it
    assert regions and regions[0].aspect == locate.ID1_ASPECT
    assert (read.kind, read.problem) == ("ktp", "")
    assert read.value("id_number") == f.NIK


def _jpeg(photo: np.ndarray) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(photo).save(out, format="JPEG", quality=90)
    return out.getvalue()


def test_an_mrz_line_read_twice_right_in_different_parts_is_combined(monkeypatch):
    # given a passport whose line 2 is read short of its end (its last check digits lost)
    # and, sharpened, whole but with a letter of the nationality dropped (the head shifted)
    f.mrz_line2_misread(
        monkeypatch,
        lambda text, sharpened: text[:11] + text[12:] if sharpened else text[:31],
    )
    # when it is read, the head of one read and the tail of the other verify every check
    # digit together
    f.assert_passes_as_the_standard_passport(f.stored_array(f.document("passport")), TODAY)


def test_reads_of_an_mrz_with_a_check_digit_printed_wrong_are_never_combined():
    from biometrics.documents.mrz import mrz_combine, mrz_compose

    line1, line2 = mrz_compose(
        surname="RAHAYU",
        given_names="SITI",
        number="C1234567",
        nationality="IDN",
        birth=date(1990, 12, 5),
        sex="F",
        expiry=date(2030, 1, 1),
    )
    shifted = line2[:11] + line2[12:]  # a letter of the nationality dropped
    assert mrz_combine(line1, [line2[:31], shifted]) == line2
    wrong = line2[:-1] + str((int(line2[-1]) + 1) % 10)  # the composite printed wrong
    assert mrz_combine(line1, [wrong[:31], wrong[:11] + wrong[12:]]) is None
    wrong_birth = line2[:19] + str((int(line2[19]) + 1) % 10) + line2[20:]
    assert mrz_combine(line1, [wrong_birth[:31], wrong_birth[:11] + wrong_birth[12:]]) is None


def test_a_whole_card_on_a_table_of_nearly_its_colour_is_not_cut_off():
    import cv2

    from biometrics.documents import locate
    from biometrics.documents.reader import _read_region

    # given a whole SIM on a table a little lighter and warmer than its paper (within the
    # colour tolerance that grows a card from its text), and a candidate outline merged with
    # that table up to the photo's right border
    card = f.stored_array(f.document("driving_licence", photographed=False))
    height, width = card.shape[:2]
    paper = np.median(cv2.cvtColor(card, cv2.COLOR_RGB2LAB).reshape(-1, 3), axis=0)
    table = np.clip(paper + (25, 0, 8), 0, 255).astype(np.uint8).reshape(1, 1, 3)
    photo = np.empty((height + 500, width + 500, 3), np.uint8)
    photo[:] = cv2.cvtColor(table, cv2.COLOR_LAB2RGB)
    photo[200 : 200 + height, 150 : 150 + width] = card
    right = photo.shape[1] - 1
    bottom = 60 + (right - 60) / locate.ID1_ASPECT
    corners = np.array([[60, 60], [right, 60], [right, bottom], [60, bottom]], np.float32)
    merged = locate.Region(corners, locate.ID1_ASPECT, 0.3, True, cut=True)
    # when the reader reads that candidate
    read = _read_region(photo, merged, ocr.engine(), today=TODAY)
    # then the card grown from its own paper, not the table's, lies whole in the photo
    assert read is not None
    assert (read.kind, read.problem) == ("driving_licence", "")
    assert read.value("id_number") == f.SIM_NUMBER


def test_a_card_without_an_outline_on_a_table_of_nearly_its_colour_is_grown_tighter(monkeypatch):
    import cv2

    from biometrics.documents import locate
    from biometrics.documents.reader import document_read

    # given a whole KTP in a square photo, on a table a little lighter and warmer than its
    # paper (within the usual colour tolerance that grows a card from its text), two dark
    # things on the table at its right and bottom edges, and no outline found for the card
    # (folded or bowed in the hand: the whole photo is the only candidate)
    card = f.stored_array(f.document("ktp", photographed=False))
    height, width = card.shape[:2]
    paper = np.median(cv2.cvtColor(card, cv2.COLOR_RGB2LAB).reshape(-1, 3), axis=0)
    table = np.clip(paper + (25, 0, 8), 0, 255).astype(np.uint8).reshape(1, 1, 3)
    side = width + 400
    photo = np.empty((side, side, 3), np.uint8)
    photo[:] = cv2.cvtColor(table, cv2.COLOR_LAB2RGB)
    photo[900:1250, side - 350 :] = (60, 40, 30)
    photo[side - 350 :, 300:650] = (30, 40, 60)
    photo[150 : 150 + height, 150 : 150 + width] = card
    whole = locate.whole_frame(photo)
    monkeypatch.setattr(locate, "document_regions", lambda image, **kw: [whole])
    grown: dict[float, Any] = {}
    real = locate.regions_grown

    def recorded(
        img: np.ndarray, points: list[np.ndarray], *, tolerance: float = 1.0, **kw: Any
    ) -> Any:
        found = real(img, points, tolerance=tolerance, **kw)
        grown[tolerance] = found[0] if found else None
        return found

    monkeypatch.setattr(locate, "regions_grown", recorded)
    # when it is read
    read = document_read(photo, today=TODAY)
    # then the paper grown at the usual tolerance, the table's too, is no document's shape, and
    # the card grown at a tighter one, its own paper, is read whole
    assert grown[1.0] is None
    assert (read.kind, read.problem) == ("ktp", "")
    assert read.value("id_number") == f.NIK


def test_a_passport_placed_from_mrz_lines_found_short_is_placed_larger(monkeypatch):
    from biometrics.documents import locate, page_region

    # given a passport whose outline and paper were not found, and whose MRZ lines the
    # detector on the whole photo found a quarter short (the faint ends of their filler runs
    # lost): the page placed from them stops short of the zone's last check digits
    img = f.stored_array(f.document("passport"))
    whole = locate.document_regions(img)[-1]
    monkeypatch.setattr(locate, "document_regions", lambda image, **kw: [whole])
    monkeypatch.setattr(locate, "regions_grown", lambda image, points, **kw: [])
    real = page_region.region_from_mrz

    def lines_found_short(shape: Any, points: list[np.ndarray], **kwargs: Any) -> Any:
        short = []
        for box in points:
            box = box.astype(np.float32).copy()
            if np.linalg.norm(box[1] - box[0]) > 9 * np.linalg.norm(box[3] - box[0]):
                box[1] = box[0] + (box[1] - box[0]) * 0.75
                box[2] = box[3] + (box[2] - box[3]) * 0.75
            short.append(box)
        return real(shape, short, **kwargs)

    monkeypatch.setattr(page_region, "region_from_mrz", lines_found_short)
    # when it is read
    read = document_read(img, today=TODAY)
    # then a larger page holds the whole zone, and every check digit verifies
    assert (read.kind, read.problem, read.mrz_failed) == ("passport", "", ())
    assert read.value("id_number") == f.PASSPORT_NUMBER


def test_a_card_regrown_tighter_must_read_at_least_what_its_cut_off_region_read():
    from biometrics.documents.reader import _same_card
    from biometrics.documents.results import DocumentRead, ReadField

    def read(**values: str) -> DocumentRead:
        fields = {name: ReadField(value, 0.95) for name, value in values.items()}
        return DocumentRead(kind="driving_licence", fields=fields)

    # given what a region that ran off the photo read (its name joined to other words)
    cut_off = read(id_number="821014542224", full_name="WAHYU AUMUM", expiry="2027-06-18")
    # a card grown tighter that reads the same number and more fields is the same card
    assert _same_card(
        read(
            id_number="821014542224",
            full_name="WAHYU",
            expiry="2027-06-18",
            date_of_birth="1991-12-08",
        ),
        cut_off,
    )
    # one that lost a field (the card joined to another paper: its words in the card's rows)
    # or reads another number is not
    assert not _same_card(read(id_number="821014542224", full_name="WAHYU MEMBERCARD"), cut_off)
    assert not _same_card(
        read(id_number="821014542225", full_name="WAHYU", expiry="2027-06-18"), cut_off
    )


class _Printed:
    """An engine that reads given boxes as given texts (the visual zone of a passport page)."""

    def __init__(self, texts: dict[tuple[int, int], str]) -> None:
        self.texts = texts

    def detect(self, img: np.ndarray) -> list[TextBox]:
        return []

    def recognise(self, img: np.ndarray, boxes: list[TextBox]) -> list[TextLine]:
        return [
            TextLine(box, self.texts[(round(box.x0), round(box.y0))], 0.95, 0.9) for box in boxes
        ]


def test_a_piece_split_off_the_full_name_label_is_not_the_printed_name():
    from biometrics.documents.passport_page import printed_name

    # given a page's visual zone whose "Nama Lengkap / Full Name" label the detector split in
    # two ("aLen" and "ngkap/Full Name"), above the name
    texts = {
        (365, 209): "No.Paspor/Passport No.",
        (365, 227): "X8909744",
        (395, 257): "aLen",
        (421, 257): "ngkap/Full Name",
        (367, 274): "KARTIKA",
    }
    boxes = [box(x, y, x + (100 if len(t) < 10 else 200), y + 19) for (x, y), t in texts.items()]
    mrz = (box(60, 560, 940, 590), box(60, 610, 940, 640))
    card = np.zeros((704, 1000, 3), np.uint8)
    # when the printed name is looked for under the passport number
    name = printed_name(card, boxes, mrz, "X8909744", _Printed(texts))
    # then it is the line under the label's row, not the label's piece
    assert name is not None and name.value == "KARTIKA"


def test_the_name_right_under_a_tall_label_box_is_still_the_printed_name():
    from biometrics.documents.passport_page import printed_name

    # given the detector's tall boxes around small print: the name's box overlaps its label's
    texts = {
        (383, 198): "No.Paspor/PassportNo",
        (380, 217): "B4140201",
        (379, 258): "Nama Lengkap/Full Name",
        (379, 279): "DWILUBIS",
    }
    boxes = [box(379, 258, 579, 299), box(379, 279, 535, 318)]
    boxes = [box(383, 198, 567, 238), box(380, 217, 520, 260), *boxes]
    mrz = (box(60, 560, 940, 590), box(60, 610, 940, 640))
    card = np.zeros((704, 1000, 3), np.uint8)
    # when the printed name is looked for under the passport number
    name = printed_name(card, boxes, mrz, "B4140201", _Printed(texts))
    # then the line under the label is the name (not skipped as a piece of the label)
    assert name is not None and name.value == "DWILUBIS"


def test_a_passport_whose_mrz_lines_were_found_less_than_half_long_passes():
    # given a passport page whose two MRZ lines the detector found less than half the page
    # wide (hand-held 70702 passport_0028, a soft print-out, its lines found 30 % of the page
    # wide: refused as blurred)
    img = f.stored_array(f.document("passport"))
    engine = MrzFoundShort(0.45)
    # when it is read
    read = document_read(img, ocr=engine, today=TODAY)
    # then the zone is cut out across the page from where its lines start, read cell by cell,
    # and every check digit verifies
    assert (read.kind, read.problem, read.mrz_failed) == ("passport", "", ())
    assert read.value("id_number") == f.PASSPORT_NUMBER
    typed = Typed("passport", f.PASSPORT_NUMBER, f.NAME, f.DOB, f.SEX)
    assert document_check(img, typed, today=TODAY, ocr=engine).decision == "pass"


def test_a_ktp_birth_date_that_lost_a_digit_of_its_day_is_kept_only_as_a_guess():
    from biometrics.documents.parsing import DATE_PART_LOST, parse_ktp

    def born(value: str) -> ReadField:
        lines = [
            line("PROVINSI SULAWESI SELATAN", 300, 10),
            line("NIK", 30, 100, 80),
            line(":7371062806604316", 200, 100),
            line("Tempat/Tgl Lahir", 30, 150, 160),
            line(value, 210, 150),
        ]
        return parse_ktp(lines, today=TODAY)["date_of_birth"]

    # printed whole, the date is as sure as its line
    assert (born(": MAKASSAR, 28-06-1960").value, born(": MAKASSAR, 28-06-1960").confidence) == (
        "1960-06-28",
        0.9,
    )
    # a digit of its day lost on a soft card ("28-06-1960" read "2-06-1960"): a guess, which
    # the cross-check lets the NIK overrule
    assert born(": MAKASSAR, 2-06-1960").confidence <= DATE_PART_LOST
