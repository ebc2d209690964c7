"""A card needs a card's layout; a passport page found without its MRZ band is read whole; the
generator's "wild" photographs. Images are drawn here; OCR runs once per image per session."""

from __future__ import annotations

import io
import random
from datetime import date

import numpy as np
import pytest
from PIL import Image

from biometrics.documents import generator, locate, ocr, page_region, quality
from biometrics.documents.layout import PORTRAIT_ZONES, card_layout
from biometrics.documents.ocr import TextBox, TextLine
from biometrics.documents.reader import _read_region, document_read
from biometrics.documents.sim_parsing import parse_sim
from biometrics.tests import factories as f

TODAY = date(2026, 1, 15)


def _box(x0: float, y0: float, x1: float, y1: float) -> TextBox:
    return TextBox(points=np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]))


def _rectangle(x0: float, y0: float, x1: float, y1: float) -> locate.Region:
    corners = np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    return locate.Region(corners, locate.ID1_ASPECT, 0.5, False)


# --- card layout ----------------------------------------------------------------------------


def test_text_where_a_ktp_prints_its_portrait_is_not_a_card_layout():
    card = np.full((630, 1000, 3), 200, np.uint8)
    labels = [_box(30, 170 + 38 * i, 600, 200 + 38 * i) for i in range(10)]  # the left column
    assert card_layout("ktp", card, labels)
    # a letter's lines run across the page, a form's second column sits on the right
    letter = [_box(30, 170 + 38 * i, 960, 200 + 38 * i) for i in range(10)]
    assert not card_layout("ktp", card, letter)
    column = [_box(780, 190 + 40 * i, 930, 215 + 40 * i) for i in range(5)]
    assert not card_layout("ktp", card, labels + column)
    # a form's second column starting level with its first rows, above where a photo would be
    high = [_box(620, 90 + 45 * i, 890, 120 + 45 * i) for i in range(6)]
    assert not card_layout("ktp", card, labels + high)
    # a KTP's centred header and its long NIK line stay clear of the zone
    header = [_box(300, 10, 700, 45), _box(330, 45, 670, 80), _box(30, 95, 690, 140)]
    assert card_layout("ktp", card, header + labels)


def test_a_sim_keeps_its_portrait_on_the_left():
    card = np.full((630, 1000, 3), 200, np.uint8)
    lines = [_box(310, 190 + 50 * i, 800, 220 + 50 * i) for i in range(6)]
    assert card_layout("driving_licence", card, lines)
    assert not card_layout(
        "driving_licence", card, [_box(40, 190 + 50 * i, 800, 220 + 50 * i) for i in range(6)]
    )
    assert set(PORTRAIT_ZONES) == {"ktp", "driving_licence"}  # a passport is told by its MRZ


@pytest.mark.parametrize("form", [False, True], ids=["A4 letter", "A5 form, two columns"])
def test_a_printed_letter_or_form_quoting_a_nik_is_not_a_ktp(form):
    photo = f.stored_array(generator.letter(random.Random(31), form=form))
    read = document_read(photo, today=TODAY)
    # never a usable KTP: not found at all, or at most a document that cannot be used
    assert not (read.found and not read.problem)
    assert read.kind != "ktp" or read.problem


def test_a_genuine_card_still_has_a_card_layout():
    read = document_read(f.stored_array(f.hopper_card()))
    assert (read.kind, read.problem, read.value("id_number")) == ("ktp", "", f.NIK)


# --- passport page whose outline stopped at the MRZ band ------------------------------------


def test_a_region_too_wide_for_a_passport_page_is_lengthened_below_or_above():
    upper = _rectangle(100, 100, 1100, 100 + 1000 / 1.87)  # the page without its MRZ band
    down = page_region.extended(upper, locate.ID3_ASPECT, upward=False)
    assert down is not None
    np.testing.assert_allclose(down.corners[:2], upper.corners[:2])  # the top stays
    np.testing.assert_allclose(down.corners[2:, 1], 100 + 1000 / locate.ID3_ASPECT, atol=0.5)
    up = page_region.extended(upper, locate.ID3_ASPECT, upward=True)
    assert up is not None
    np.testing.assert_allclose(up.corners[2:], upper.corners[2:])  # the bottom stays
    np.testing.assert_allclose(
        up.corners[:2, 1], 100 + 1000 / 1.87 - 1000 / locate.ID3_ASPECT, atol=0.5
    )
    whole = _rectangle(100, 100, 1100, 100 + 1000 / locate.ID3_ASPECT)
    assert page_region.extended(whole, locate.ID3_ASPECT, upward=False) is None


def test_a_passport_page_found_without_its_mrz_band_is_read_whole():
    # given a passport page on a table, and a candidate outline that stops above the MRZ band
    page = f.stored_array(f.document("passport", photographed=False))
    height, width = page.shape[:2]
    photo = np.full((height + 200, width + 200, 3), (90, 70, 50), np.uint8)
    photo[100 : 100 + height, 100 : 100 + width] = page
    upper = _rectangle(100, 100, 100 + width, 100 + height * 0.74)
    # when the reader reads that candidate
    read = _read_region(photo, upper, ocr.engine(), today=TODAY)
    # then it lengthened the page to a passport's proportions and read the MRZ
    assert read is not None
    assert (read.kind, read.problem) == ("passport", "")
    assert read.value("id_number") == f.PASSPORT_NUMBER
    assert read.value("date_of_birth") == f.DOB.isoformat()


# --- the "wild" photographs -----------------------------------------------------------------


def test_wild_photos_are_repeatable_and_harsher_than_the_standard_ones():
    flat = f.stored_array(f.document("ktp", photographed=False))
    wild = generator.photograph(flat, rng=random.Random(3), profile="wild")
    assert wild == generator.photograph(flat, rng=random.Random(3), profile="wild")
    assert wild != generator.photograph(flat, rng=random.Random(3), profile="standard")
    assert "wild" in generator.PROFILES
    assert generator.CONDITIONS["wild"].perspective > generator.CONDITIONS["heldout"].perspective
    with Image.open(io.BytesIO(wild)) as img:
        assert img.format == "JPEG" and min(img.size) >= 600


def test_a_hand_holding_the_card_covers_only_its_border():
    rng = random.Random(8)
    photo = np.full((900, 1400, 3), 128, np.uint8)
    target = np.float32([[300, 200], [1100, 200], [1100, 704], [300, 704]])
    held = generator._hand(photo, target, rng, 1.0)
    changed = np.abs(held.astype(int) - photo.astype(int)).sum(axis=2) > 30
    inside = changed[200:704, 300:1100]
    assert changed.sum() > 5000  # a hand is there
    # on the card, the thumb reaches at most an eighth of the card's height from a short side
    columns = np.where(inside.any(axis=0))[0]
    assert len(columns) and (columns.max() < 0.15 * 504 or columns.min() > 800 - 0.15 * 504)


# --- a SIM whose line number was misread; a whole card touching the border; dim cards --------


def _line(text: str, x0: float, y: float, width: float = 400) -> TextLine:
    return TextLine(box=_box(x0, y, x0 + width, y + 30), text=text, confidence=0.95, weakest=0.9)


def _sim_lines(*texts: str) -> list[TextLine]:
    """A SIM's rows as the recogniser gave them, top down, one text per row."""
    return [_line(text, 340, 10 + 55 * row) for row, text in enumerate(texts)]


def test_a_sim_line_whose_number_was_read_as_a_letter_is_still_line_one():
    fields = parse_sim(
        _sim_lines(
            "SURAT IZIN MENGEMUDI",
            "3188-4968-9293",
            "LDIMAS WIBOWO",  # "1." read as "L"
            "2.DENPASAR.20-02-1998",
            "3.0-PRIA",
        ),
        today=TODAY,
    )
    assert fields["full_name"].value == "DIMAS WIBOWO"
    assert fields["date_of_birth"].value == "1998-02-20"
    assert fields["id_number"].value == "318849689293"


def test_a_sim_number_under_a_subtitle_read_as_a_numbered_line_is_still_read():
    # the small "INDONESIA DRIVING LICENSE" under the header read "5 INOUOENS", a line 5 above
    # the number (driving_licence_0056 of handheld 70702: every other field read, number not)
    fields = parse_sim(
        _sim_lines(
            "SURATIZIN MENGEMUDI",
            "5 INOUOENS",
            "3111-7903-313251",
            "L.KURNIAWAN PRATAMA",
            "2.MAKASSAR.31-121984",
            "3.0-PRIA",
        ),
        today=TODAY,
    )
    assert fields["id_number"].value == "31117903313251"
    assert fields["full_name"].value == "KURNIAWAN PRATAMA"
    # a number printed under line 1 is not the card's (it is an address's, a date's)
    below = parse_sim(
        _sim_lines("SURATIZIN MENGEMUDI", "1.KURNIAWAN PRATAMA", "3111-7903-313251"),
        today=TODAY,
    )
    assert "id_number" not in below


def test_a_sim_whose_line_numbers_lost_their_dots_is_still_read():
    # the small print's dots dropped (driving_licence_0026 of wild 70401, refused as unreadable)
    fields = parse_sim(
        _sim_lines(
            "SURATIZINMENGEMUDI",
            "1395-8255-774599",
            "LFITRIMEGA GUNAWAN",  # "1." read as "L"
            "2SEMARANG,2801-1995",  # "2." as "2", a hyphen lost
            "3A-WANITA",
            "4LDIPONEGORO NO 112",
        ),
        today=TODAY,
    )
    assert fields["full_name"].value == "FITRIMEGA GUNAWAN"
    assert fields["date_of_birth"].value == "1995-01-28"
    assert fields["sex"].value == "F"


def test_sim_lines_that_lost_every_number_are_read_down_from_the_cards_number():
    # handheld 70701 driving_licence_0038: no row kept its number ("1. TIARA SUSANTO" read
    # "TIARASUSANTO", line 3 as "B-WANTTA"), and the card was refused as unreadable
    fields = parse_sim(
        _sim_lines(
            "SURATIZINMENGEMUDI",
            "1074-0970-423413",
            "TIARASUSANTO",
            "MAKASSAR 18-09-2005",
            "B-WANTTA",
            "Berlakuwd:27-01-2028",
        ),
        today=TODAY,
    )
    # then line 1 is the row under the number (its T kept), and line 2 the row under that
    assert fields["full_name"].value == "TIARASUSANTO"
    assert fields["date_of_birth"].value == "2005-09-18"
    # a row with digits under the number is no name
    below = parse_sim(
        _sim_lines("SURATIZINMENGEMUDI", "1074-0970-423413", "JL MAWAR NO 5"), today=TODAY
    )
    assert "full_name" not in below


def test_sim_lines_1_to_3_that_lost_their_numbers_are_placed_up_from_line_4():
    # driving_licence_0032 of wild 70403: "1." read as "L", "2." glued to "Y0GYA...", and
    # "3." as "JB"; only line 4 kept its number
    fields = parse_sim(
        _sim_lines(
            "0443-2410-4786", "LJMAM", "2Y0GYAARTA 180S1960", "JB·PRIA", "4.JLKENANGA NO.172"
        ),
        today=TODAY,
    )
    assert fields["full_name"].value == "JMAM"
    assert fields["date_of_birth"].value == "1960-05-18"
    assert fields["sex"].value == "M"


def test_a_line_numbered_1_far_under_the_cards_number_is_not_line_one():
    # wild 70903 driving_licence_0029: "1." read as "L", and line 4's "4." as "1": the address
    # was taken for the name, and the genuine SIM refused as another person's
    rows = (
        "SURATIZINMENGEMUDI",
        "5408-0032-0689 B1",
        "LMUHAMMADSIREGAR",
        "SEMARANG,19-09-1960",
        "3.PRIA",
        "1LGAROT SUBROTO NO.H9",
        "5.DOKTER",
    )
    fields = parse_sim(_sim_lines(*rows), today=TODAY)
    # then line 1 is placed up from line 3, the row under the card's number
    assert fields["full_name"].value == "MUHAMMADSIREGAR"
    assert fields["date_of_birth"].value == "1960-09-19"
    # and so it is when no other line kept its number
    fields = parse_sim(_sim_lines(*rows[:3], "SEMARANG,19-09-1960 PRIA", *rows[5:]), today=TODAY)
    assert fields["full_name"].value == "LMUHAMMADSIREGAR"
    # but a line 1 one row under a number that a stray row follows is still line 1
    fields = parse_sim(_sim_lines(rows[0], rows[1], "B1", "1.MUHAMMAD SIREGAR"), today=TODAY)
    assert fields["full_name"].value == "MUHAMMAD SIREGAR"


def test_a_line_number_glued_to_a_single_letter_is_not_taken_for_line_one():
    # "3. WANITA" read as "1O.WANIIA": not a name "O.WANIIA" (which rejected a genuine SIM)
    fields = parse_sim(
        _sim_lines("9282-8508-738827", "LJESTAR PURNAMA", "2JAKARTA,30-12-1994", "1O.WANIIA"),
        today=TODAY,
    )
    assert fields["full_name"].value == "JESTAR PURNAMA"


def test_a_sim_birth_date_that_lost_a_digit_is_doubtful_not_a_mismatch():
    from biometrics.documents.check import cross_check
    from biometrics.documents.results import DocumentRead, Typed

    typed = Typed("driving_licence", "92828508738827", "Lestari Purnama", date(1994, 12, 30), "F")

    def birth(line_2: str) -> tuple[str, str]:
        fields = parse_sim(_sim_lines("9282-8508-738827", "1.LESTARI PURNAMA", line_2), today=TODAY)
        read = DocumentRead(kind="driving_licence", fields=fields)
        outcome = {o.field: o.outcome for o in cross_check(read, typed, today=TODAY)}
        return fields["date_of_birth"].value, outcome["date_of_birth"]

    # 30-12-1994, a digit of the month lost
    assert birth("2.JAKARTA30-1-1934") == ("1934-01-30", "near")
    # a date read whole and two digits off is still a mismatch
    assert birth("2.JAKARTA30-12-1938") == ("1938-12-30", "mismatch")


def test_a_whole_card_touching_the_border_with_a_corner_is_not_cut_off():
    # a slanted card whose right corner reaches the border: short by perspective, still whole
    corner = locate.Region(
        np.float32([[200, 100], [1196, 300], [1000, 800], [100, 600]]),
        locate.ID1_ASPECT,
        0.3,
        True,
        aspect_error=0.15,
    )
    assert not corner.truncated
    cut = locate.Region(corner.corners, locate.ID1_ASPECT, 0.3, True, aspect_error=0.05, cut=True)
    assert cut.truncated
    assert locate._along_border(np.float32([[10, 10], [797, 10], [797, 300], [10, 300]]), 800, 600)
    assert not locate._along_border(
        np.float32([[10, 10], [797, 100], [600, 400], [10, 300]]), 800, 600
    )


def test_a_dim_card_is_stretched_to_full_contrast_for_reading_and_a_bright_one_is_not():
    dim = np.full((100, 160, 3), 120, np.uint8)
    dim[40:60, 20:140] = 35  # dark grey print on a dim card
    stretched = quality.legible(dim)
    assert int(stretched.min()) <= 5 and int(stretched.max()) >= 245
    bright = dim.copy()
    bright[bright == 120] = 230
    assert quality.legible(bright) is bright
    flat = np.full((100, 160, 3), 128, np.uint8)  # nothing printed: nothing to stretch
    assert quality.legible(flat) is flat


def test_a_ktp_name_whose_label_was_misread_is_the_row_under_the_nik():
    from biometrics.documents.parsing import parse_ktp

    lines = [
        _line("PROVINSI JAWA TIMUR", 300, 10),
        _line("NIK", 30, 100, 80),
        _line(":3578074309708739", 200, 100),
        _line("Hama", 30, 150, 80),  # "Nama" in small soft print
        _line(":RATNA PURNAMA", 200, 150),
        _line("Tempat/Tgl Lahir", 30, 200, 150),
        _line(":SURABAYA, 03-09-1970", 200, 200),
    ]
    fields = parse_ktp(lines, today=TODAY)
    assert fields["full_name"].value == "RATNA PURNAMA"
    assert fields["date_of_birth"].value == "1970-09-03"


def test_a_date_whose_separator_was_lost_is_still_read():
    from biometrics.documents.parsing import parse_date

    assert parse_date("2.SURABAYA,19-022000") == date(2000, 2, 19)
    assert parse_date("3578074309708739") is None  # a NIK is no date


def test_a_date_run_into_a_place_whose_letters_look_like_digits_is_still_read():
    from biometrics.documents.parsing import parse_date

    # given a SIM's line 2 whose separators were all lost (handheld 70902 driving_licence_0023:
    # "2. SAMARINDA, 26-09-1976"): mapped to digits, the place's last letters run into the date
    assert parse_date("2S4RINDA26091976") == date(1976, 9, 26)
    # a date the mapping finds still comes first; ten digits in a row are still no date
    assert parse_date("2.S0LO,O1-O2-1990") == date(1990, 2, 1)
    assert parse_date("AB2609197612") is None


def test_a_ktps_labels_and_nik_without_the_province_header_are_no_ktp():
    from biometrics.documents.layout import classify

    quoted = [
        _line("SURAT PERNYATAAN", 300, 10),
        _line("NIK", 30, 100, 80),
        _line(":3171042605889830", 200, 100),
        _line("Nama", 30, 150, 80),
        _line(":IMAM SETIAWAN", 200, 150),
        _line("Tempat/Tgl Lahir", 30, 200, 150),
        _line(":JAKARTA, 26-05-1988", 200, 200),
        _line("Jenis Kelamin", 30, 250, 150),
    ]
    assert classify(quoted, today=TODAY) is None  # a form quoting a KTP
    assert classify([_line("PROVINSI DKI JAKARTA", 300, 10), *quoted[1:]], today=TODAY) == "ktp"


def test_a_ktp_whose_labels_were_not_read_is_known_by_the_birth_date_its_nik_encodes():
    from biometrics.documents.layout import classify

    # given a KTP bowed in the hand: its header, NIK, name and birth row read, but none of its
    # small labels, nor "NIK", at its most foreshortened end (hand-held 70806 ktp_0015)
    lines = [
        _line("PROVINSI JAWA TENGAH", 300, 10),
        _line(":3374214205961621", 200, 100),
        _line("PUTRI MARPAUNG", 200, 150),
        _line("SEMARANG,02-05-1996", 200, 200),
    ]
    # then the header and a NIK whose encoded birth date (day 42: a woman born on the 2nd) is
    # printed on the card are two independent markers of a KTP
    assert classify(lines, today=TODAY) == "ktp"
    # and a date the NIK does not encode is no marker: without it the lines are no KTP
    assert classify([*lines[:3], _line("SEMARANG,03-05-1996", 200, 200)], today=TODAY) is None
    assert classify(lines[1:], today=TODAY) is None  # nor without the header


def test_a_sim_whose_outline_was_found_only_up_to_its_portrait_is_read_widened():
    # given a SIM whose outline the edge search found only from its portrait's edge to its
    # right end (wild 70804 driving_licence_0056: the portrait's edge closed the region, and
    # the card's text then lay where a SIM prints its portrait: refused as no document)
    img = f.stored_array(f.document("driving_licence"))
    card = locate.document_regions(img)[0]
    tl, tr, br, bl = card.corners
    corners = np.array([tl + (tr - tl) * 0.27, tr, br, bl + (br - bl) * 0.27], np.float32)
    partial = locate.Region(corners, locate.ID3_ASPECT, card.score, False, fit=card.fit)
    # when that region is read
    read = _read_region(img, partial, ocr.engine(), today=TODAY)
    # then it is read widened to a card's proportions on its portrait's side, whole
    assert read is not None
    assert (read.kind, read.problem) == ("driving_licence", "")
    assert read.value("full_name") == f.NAME.upper()
    assert read.value("date_of_birth") == f.DOB.isoformat()


def test_a_card_region_is_widened_on_the_side_asked_only_when_narrower_than_a_card():
    narrow = _rectangle(100, 100, 700, 530)  # 1.40 to one
    left = locate.widened(narrow, (1000, 2000), left=True)
    right = locate.widened(narrow, (1000, 2000), left=False)
    assert left is not None and right is not None
    np.testing.assert_allclose(left.corners[[1, 2]], narrow.corners[[1, 2]])  # right end kept
    np.testing.assert_allclose(right.corners[[0, 3]], narrow.corners[[0, 3]])  # left end kept
    assert abs(locate.side_ratio(left.corners) - locate.ID1_ASPECT) < 1e-3
    assert left.corners[0][0] < 100 and right.corners[1][0] > 700
    assert not left.truncated and not right.truncated
    # widened past the photo's border, it is a card cut off by the frame
    past = locate.widened(narrow, (1000, 750), left=False)
    assert past is not None and past.truncated
    card = _rectangle(100, 100, 100 + 430 * 1.586, 530)
    assert locate.widened(card, (1000, 2000), left=True) is None
