"""What the reader does not recognise: a KTP's wide lower rows are not read as an MRZ, and a
passport's visual zone is recognised only down to the printed name. Recognition costs about
0.1 ms of CPU per pixel of line width, so each line skipped is time a member waits."""

from __future__ import annotations

from datetime import date

import numpy as np

from biometrics.documents import mrz_reader
from biometrics.documents.mrz import mrz_compose
from biometrics.documents.ocr import TextBox, TextLine
from biometrics.documents.passport_page import printed_name
from biometrics.documents.reader import document_read
from biometrics.tests import factories as f

TODAY = date(2026, 1, 15)


def test_a_ktps_wide_lower_rows_are_read_once_not_as_an_mrz(monkeypatch):
    # given a KTP, whose lowest wide row ("Pekerjaan ...") the MRZ search takes for line 2
    real = mrz_reader._read_line
    calls: list[tuple[str, bool]] = []

    def counted(*args, sharpen: bool, paint: bool | str, **kwargs):
        calls.append((str(paint), sharpen))
        return real(*args, sharpen=sharpen, paint=paint, **kwargs)

    monkeypatch.setattr(mrz_reader, "_read_line", counted)
    # when it is read
    read = document_read(f.stored_array(f.document("ktp")), today=TODAY)
    # then that row was read once, as line 2 (it holds no dates): no line 1, no sharpened copy
    assert calls == [("line2", False)]
    # and the card reads as the KTP it is
    assert (read.kind, read.problem) == ("ktp", "")
    assert read.value("id_number") == f.NIK


def test_a_passport_still_reads_both_mrz_lines():
    read = document_read(f.stored_array(f.document("passport")), today=TODAY)
    assert (read.kind, read.problem, read.mrz_failed) == ("passport", "", ())
    assert read.value("id_number") == f.PASSPORT_NUMBER


def test_a_line_2_that_lost_every_filler_still_looks_like_one_and_a_card_row_does_not():
    _line1, line2 = mrz_compose(
        surname="RAHAYU",
        given_names="SITI",
        number="X4642089",
        nationality="IDN",
        birth=date(1990, 5, 17),
        sex="F",
        expiry=date(2030, 1, 2),
    )
    assert mrz_reader.line2_like(line2)
    assert mrz_reader.line2_like(line2.replace("<", ""))
    # a recogniser's slips (0 read as O in a date) leave enough digits
    assert mrz_reader.line2_like(line2.replace("<", "").replace("0", "O", 2))
    for row in ("PekerjaanPEGAWAI NEGERI", "Status Perkawinan: BELUM KAWIN", "RT/RW 003/005"):
        assert not mrz_reader.line2_like(row)


def _box(x0: float, y0: float, x1: float, y1: float) -> TextBox:
    return TextBox(points=np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32))


class _Column:
    """An engine that reads given boxes as given texts, and counts what it was asked to read."""

    def __init__(self, texts: dict[tuple[int, int], str]) -> None:
        self.texts = texts
        self.asked = 0

    def detect(self, img: np.ndarray) -> list[TextBox]:
        return []

    def recognise(self, img: np.ndarray, boxes: list[TextBox]) -> list[TextLine]:
        self.asked += len(boxes)
        return [
            TextLine(box, self.texts[(round(box.x0), round(box.y0))], 0.95, 0.9) for box in boxes
        ]


def _column(rows: list[tuple[int, int, str]]) -> tuple[list[TextBox], _Column]:
    texts = {(x, y): text for x, y, text in rows}
    boxes = [_box(x, y, x + 14 * len(t), y + 19) for x, y, t in rows]
    return boxes, _Column(texts)


MRZ = (_box(60, 560, 940, 590), _box(60, 610, 940, 640))
CARD = np.zeros((704, 1000, 3), np.uint8)
VISUAL_ZONE = [
    (365, 150, "Jenis/Type"),
    (365, 170, "P"),
    (365, 209, "No.Paspor/Passport No."),
    (365, 227, "X8909744"),
    (365, 257, "Nama Lengkap/Full Name"),
    (367, 274, "KARTIKA SARI"),
    (365, 300, "Kewarganegaraan/Nationality"),
    (365, 318, "INDONESIA"),
    (365, 345, "Tgl. Lahir/Date of birth"),
    (365, 363, "17 MEI/MAY 1990"),
    (365, 390, "Tempat Lahir/Place of birth"),
    (365, 408, "JAKARTA"),
    (365, 435, "Tgl. Pengeluaran/Date of issue"),
    (365, 453, "02 JAN/JAN 2020"),
]


def test_the_visual_zone_is_recognised_only_down_to_the_name():
    # given a page's text column of 14 lines, the name on the sixth
    boxes, engine = _column(VISUAL_ZONE)
    # when the printed name is looked for under the passport number
    name = printed_name(CARD, boxes, MRZ, "X8909744", engine)
    # then it is found from the first batch of six lines: the 7 under it were never recognised
    assert name is not None and name.value == "KARTIKA SARI"
    assert engine.asked == 6


def test_a_piece_of_the_label_on_the_names_row_is_skipped_across_batches():
    # given a column whose first batch of lines ends in a piece of the name's label ("aLen",
    # split off by the detector), the rest of the label ("ngkap/Full Name"), on its row, coming
    # only in the next batch
    rows = [
        (365, 150, "Jenis/Type"),
        (365, 170, "P"),
        (365, 190, "Kode/Code"),
        (365, 209, "No.Paspor/Passport No."),
        (365, 227, "X8909744"),
        (395, 256, "aLen"),
        (421, 258, "ngkap/Full Name"),
        (367, 276, "KARTIKA"),
        *VISUAL_ZONE[6:],
    ]
    boxes, engine = _column(rows)
    # when the printed name is looked for
    name = printed_name(CARD, boxes, MRZ, "X8909744", engine)
    # then the label's row was read whole before a name was chosen: the piece is not the name
    assert name is not None and name.value == "KARTIKA"
    assert engine.asked == 12  # of the 15 lines of the column (the lone "P" is no word)


def test_the_number_line_misread_in_one_character_still_places_the_name():
    # given a column whose passport number line reads "CS133150" (the MRZ verified C6133150)
    rows = [(x, y, "CS133150" if text == "X8909744" else text) for x, y, text in VISUAL_ZONE]
    boxes, engine = _column(rows)
    # when the printed name is looked for under the number
    name = printed_name(CARD, boxes, MRZ, "C6133150", engine)
    # then the line is taken for the number's, and the name under it is found
    assert name is not None and name.value == "KARTIKA SARI"
    # but a line two characters off is another line
    assert printed_name(CARD, boxes, MRZ, "C6133159", _column(rows)[1]) is None


def test_a_passport_name_read_from_the_visual_zone_keeps_the_mrz_reading_beside_it(monkeypatch):
    from biometrics.documents import passport_page
    from biometrics.documents.results import ReadField

    # given a passport whose MRZ name is doubtful, and whose visual zone reads a misread name
    monkeypatch.setattr(passport_page, "doubtful_name", lambda line1, read: True)
    monkeypatch.setattr(passport_page, "printed_name", lambda *args: ReadField("SITIRAHAVU", 0.85))
    # when it is read
    read = document_read(f.stored_array(f.document("passport")), today=TODAY)
    # then the printed reading is the value, and the MRZ's is kept as another reading
    name = read.fields["full_name"]
    assert name.value == "SITIRAHAVU"
    assert len(name.others) == 1 and name.others[0].replace(" ", "") == "SITIRAHAYU"
