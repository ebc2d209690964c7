"""A document number the MRZ recogniser misread as look-alikes, settled by the visual zone."""

from __future__ import annotations

from datetime import date

from biometrics.documents.mrz import mrz_compose, mrz_parse, mrz_with_number
from biometrics.tests import factories as f

TODAY = date(2026, 1, 15)


def _zone(number: str) -> tuple[str, str]:
    """The MRZ of one holder's passport numbered ``number``."""
    holder = {"surname": "RAHAYU", "given_names": "IMAM", "nationality": "IDN", "sex": "M"}
    return mrz_compose(number=number, birth=date(1958, 12, 4), expiry=date(2030, 10, 24), **holder)


LINE1, LINE2 = _zone("B1932261")
MISREAD = "8" + LINE2[1:]  # "81932261": B read clearly as 8


def test_the_check_digits_alone_cannot_choose_between_look_alikes():
    # 8 to B in the first cell and 1 to I in the second change the weighted sum alike
    assert set(mrz_parse(LINE1, MISREAD).failed) == {"number", "composite"}
    assert mrz_parse(LINE1, "8I" + LINE2[2:]).valid


def test_the_printed_number_is_taken_when_it_verifies_the_zone():
    assert mrz_with_number(LINE1, MISREAD, "B1932261") == LINE2


def test_a_printed_number_that_does_not_verify_or_is_another_is_not_taken():
    assert mrz_with_number(LINE1, MISREAD, "81932261") is None  # the same misread
    assert mrz_with_number(LINE1, MISREAD, "B1932267") is None  # verifies nothing
    other = _zone("X7159026")[1]
    assert mrz_with_number(LINE1, other, "B1932261") is None  # another passport's zone


def test_a_check_digit_printed_wrong_is_not_mended_by_the_printed_number():
    forged = LINE2[:9] + str((int(LINE2[9]) + 4) % 10) + LINE2[10:]
    assert mrz_with_number(LINE1, forged, "B1932261") is None


def test_a_passport_whose_zone_number_was_misread_passes_on_its_printed_number(monkeypatch):
    # given a passport whose MRZ line 2 is read with its number's first letter as a clear
    # look-alike ("G1234567" for C1234567; the number's check digit and the composite fail)
    f.mrz_line2_misread(
        monkeypatch,
        lambda text, _sharpened: "G" + text[1:] if text.startswith(f.PASSPORT_NUMBER) else text,
    )
    # when it is read, the number printed in the visual zone verifies the zone
    f.assert_passes_as_the_standard_passport(f.stored_array(f.document("passport")), TODAY)
