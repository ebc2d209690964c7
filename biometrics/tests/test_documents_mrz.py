"""ICAO 9303 TD3 check digits and parsing (pure, no database, no OCR)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from biometrics.documents.mrz import check_digit, mrz_compose, mrz_date, mrz_parse

SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
# A zone as the generator prints it: no optional data.
COMPOSED = mrz_compose(
    surname="Santoso",
    given_names="Budi Agus",
    number="C1234567",
    nationality="IDN",
    birth=date(1990, 5, 12),
    sex="M",
    expiry=date(2031, 1, 2),
)


def test_icao_specimen_parses_with_every_check_digit_valid():
    parsed = mrz_parse(*SPECIMEN)
    assert parsed is not None and parsed.valid
    assert (parsed.surname, parsed.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert (parsed.number, parsed.birth, parsed.sex, parsed.expiry) == (
        "L898902C3",
        "740812",
        "F",
        "120415",
    )
    assert parsed.optional == "ZE184226B"


@pytest.mark.parametrize(
    ("position", "failed"),
    [
        (9, {"number", "composite"}),
        (19, {"birth", "composite"}),
        (27, {"expiry", "composite"}),
        (42, {"optional", "composite"}),
        (43, {"composite"}),
    ],
)
def test_one_wrong_check_digit_is_caught(position, failed):
    line2 = SPECIMEN[1]
    wrong = str((int(line2[position]) + 3) % 10)
    parsed = mrz_parse(SPECIMEN[0], line2[:position] + wrong + line2[position + 1 :])
    assert parsed is not None
    assert set(parsed.failed) == failed
    assert parsed.plausible  # still a zone: a forged digit, not prose


def test_an_empty_optional_fields_check_digit_read_as_8_is_the_0_it_must_be():
    # given a zone without optional data, its check digit "0" read as "8" by the recogniser
    # (hand-held 71201 passport_0028, a soft print-out: every other check digit verified)
    line1, line2 = COMPOSED
    assert line2[28:43] == "<" * 14 + "0"
    read = line2[:42] + "8" + line2[43:]
    # then it is the only digit an empty field's check may be, and the composite verifies
    parsed = mrz_parse(line1, read)
    assert parsed is not None and parsed.valid
    parsed = mrz_parse(line1, line2[:42] + "B" + line2[43:])  # the 8's letter look-alike
    assert parsed is not None and parsed.valid
    # but a composite computed over a printed "8" fails: the 8 is taken as the 0 it must be
    head = read[:10] + read[13:20] + read[21:43]
    forged = read[:43] + check_digit(head)
    parsed = mrz_parse(line1, forged)
    assert parsed is not None and parsed.failed == ("composite",)
    # and any other digit there is a wrong check digit
    parsed = mrz_parse(line1, line2[:42] + "3" + line2[43:])
    assert parsed is not None and set(parsed.failed) == {"optional", "composite"}


def test_check_digits_agree_with_the_mrz_package():
    from mrz.base.functions import hash_string

    for data in ("L898902C3", "740812", "120415", "ZE184226B<<<<<", "C1234567<", "<<<<<<"):
        assert check_digit(data) == str(hash_string(data))


def test_a_composed_zone_is_valid_and_round_trips():
    line1, line2 = COMPOSED
    assert len(line1) == len(line2) == 44
    parsed = mrz_parse(line1, line2)
    assert parsed is not None and parsed.valid
    assert parsed.full_name == "BUDI AGUS SANTOSO"


def test_a_miscounted_filler_run_is_re_anchored():
    # the recogniser read the 14 fillers of the optional data as 11
    line2 = SPECIMEN[1].replace("<<<<<", "<<")
    parsed = mrz_parse(SPECIMEN[0], line2)
    assert parsed is not None and parsed.valid


def test_letters_read_in_digit_positions_are_mapped_back():
    # O for 0 and I for 1 in the birth date
    line2 = SPECIMEN[1][:13] + "74O8I2" + SPECIMEN[1][19:]
    parsed = mrz_parse(SPECIMEN[0], line2)
    assert parsed is not None and parsed.birth == "740812" and parsed.valid


def test_prose_is_not_a_zone():
    parsed = mrz_parse(
        "Pagi ini rapat jam sembilan mohon dicek", "terima kasih nomor rekening transfer"
    )
    assert parsed is None or not parsed.plausible


def test_two_digit_years_resolve_to_the_past_for_birth_and_near_future_for_expiry():
    today = date(2026, 6, 1)
    assert mrz_date("740812", today=today, future=False) == date(1974, 8, 12)
    assert mrz_date("051231", today=today, future=False) == date(2005, 12, 31)
    assert mrz_date("310101", today=today, future=True) == date(2031, 1, 1)
    assert mrz_date("120415", today=today, future=True) == date(2012, 4, 15)  # expired
    assert mrz_date("99AB01", today=today, future=True) is None


def test_a_padding_run_whose_last_filler_looks_less_alike_still_reaches_the_field_end():
    from biometrics.documents.mrz_cells import carry_padding

    # optional data empty: fillers 28-41, the last one (where the fitted pitch drifts most)
    # was a little less like the template and missed
    seen = np.zeros(44, bool)
    seen[28:41] = True
    assert carry_padding(seen)[28:42].all()
    assert not carry_padding(seen)[42:].any()  # the check digits stay characters
    # a personal number, then padding: the characters before the run are kept
    seen = np.zeros(44, bool)
    seen[33:40] = True
    padded = carry_padding(seen)
    assert padded[33:42].all() and not padded[28:33].any()
    # one stray look-alike among characters is not a run
    seen = np.zeros(44, bool)
    seen[30] = True
    assert carry_padding(seen)[31:42].sum() == 0


def _confidences(weak: dict[int, float]) -> tuple[float, ...]:
    return tuple(weak.get(i, 0.99) for i in range(44))


@pytest.mark.parametrize(("position", "misread"), [(15, "6"), (23, "8"), (9, "8")])
def test_a_doubtful_character_is_corrected_when_the_check_digits_leave_one_reading(
    position, misread
):
    from biometrics.documents.mrz import mrz_repair

    line2 = SPECIMEN[1]
    slipped = line2[:position] + misread + line2[position + 1 :]
    assert mrz_parse(SPECIMEN[0], slipped).failed  # the slip fails a check digit
    assert mrz_repair(SPECIMEN[0], slipped, _confidences({position: 0.55}), weak=0.9) == line2


def test_an_empty_optional_fields_doubtful_check_digit_is_corrected_to_its_0():
    from biometrics.documents.mrz import mrz_repair

    # given a zone without optional data whose check digit "0" read as a doubtful "6"
    line1, line2 = COMPOSED
    slipped = line2[:42] + "6" + line2[43:]
    # then it is corrected to the 0 (the "8" that counts as 0 says the same: one reading)
    assert mrz_repair(line1, slipped, _confidences({42: 0.55}), weak=0.9) == line2


def test_a_check_digit_printed_wrong_and_read_clearly_is_never_corrected():
    from biometrics.documents.mrz import mrz_repair

    line2 = SPECIMEN[1]
    forged = line2[:19] + str((int(line2[19]) + 3) % 10) + line2[20:]
    assert mrz_repair(SPECIMEN[0], forged, _confidences({}), weak=0.9) is None


def test_two_corrections_that_both_verify_leave_the_line_as_read():
    from biometrics.documents.mrz import mrz_repair

    # the document number's check digit and the composite weigh its cells alike, so with two
    # doubtful cells in it more than one correction verifies: nothing is guessed
    line2 = SPECIMEN[1]
    slipped = line2[:3] + "3" + line2[4:]
    assert mrz_repair(SPECIMEN[0], slipped, _confidences({3: 0.5, 5: 0.5}), weak=0.9) is None


def test_line1_padding_is_carried_to_the_end_from_its_first_three_fillers():
    from biometrics.documents.mrz_cells import line1_fillers

    # P<IDNSANTOSO<<BUDI<<<... with the far end of the run less alike (pitch drift)
    seen = np.zeros(44, bool)
    seen[[1, 2, 12, 13]] = True  # cell 2 (the state's first letter) taken for a filler
    seen[18:30] = True  # cells 30-43 were not recognised as fillers
    out = line1_fillers(seen)
    assert out[18:].all() and not out[14:18].any()
    assert out[1] and out[12] and out[13]  # the separators stay
    assert not out[2]  # the issuing state never holds one


def test_a_cell_fitted_past_the_end_of_the_line_has_an_empty_glyph():
    from biometrics.documents.mrz_cells import glyph

    ink = np.zeros((20, 100), np.uint8)
    assert not glyph(ink, (120, 130)).any()  # no crash on an empty patch
