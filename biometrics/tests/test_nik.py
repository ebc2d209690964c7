from datetime import date

import pytest

from biometrics.nik import PROVINCES, NikError, id_number_validate, nik_parse, nik_validate

TODAY = date(2025, 6, 1)
# Jakarta Timur (31 75), kecamatan 04; born 5 Dec 1990; woman (45 = 5 + 40); serial 0012
WOMAN_1990 = "3175044512900012"
MAN_1988 = "3273010703880001"  # Bandung, born 7 Mar 1988


def error_code(nik: str, **kwargs) -> str:
    with pytest.raises(NikError) as caught:
        if "birth_date" in kwargs:
            nik_validate(nik, today=TODAY, **kwargs)
        else:
            nik_parse(nik, today=TODAY)
    return caught.value.code


def test_a_womans_nik_decodes_place_birth_date_and_sex():
    # when
    info = nik_parse(WOMAN_1990, today=TODAY)
    # then
    assert info.province_code == "31" and info.province_name == "DKI Jakarta"
    assert (info.regency_code, info.district_code) == ("75", "04")
    assert info.birth_date == date(1990, 12, 5)
    assert info.sex == "F"
    assert info.serial == "0012"


def test_a_mans_nik_keeps_the_day_as_is():
    info = nik_parse(MAN_1988, today=TODAY)
    assert (info.birth_date, info.sex) == (date(1988, 3, 7), "M")


def test_spaces_dots_and_hyphens_between_digit_groups_are_ignored():
    assert nik_parse("31.75.04 451290-0012", today=TODAY).serial == "0012"


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("31750445129O0012", "nik_not_digits"),  # letter O for zero
        ("٣١٧٥٠٤٤٥١٢٩٠٠٠١٢", "nik_not_digits"),  # Arabic-Indic digits pass str.isdigit()
        ("317504451290001", "nik_wrong_length"),
        ("31750445129000120", "nik_wrong_length"),
        ("2075044512900012", "nik_unknown_province"),  # no province 20
        ("9775044512900012", "nik_unknown_province"),  # 97 is a BPS code, not Kemendagri
        ("3175043212900012", "nik_invalid_date"),  # day 32 is neither a man's nor a woman's
        ("3175040012900012", "nik_invalid_date"),
        ("3175047212900012", "nik_invalid_date"),  # woman, day 32
        ("3175040513900012", "nik_invalid_date"),  # month 13
        ("3175043002900012", "nik_invalid_date"),  # 30 February
        ("3175044512900000", "nik_bad_serial"),
    ],
)
def test_each_structural_fault_has_its_own_code(nik, code):
    assert error_code(nik) == code


def test_29_february_exists_only_in_leap_years():
    assert nik_parse("3175042902960001", today=TODAY).birth_date == date(1996, 2, 29)
    assert error_code("3175042902970001") == "nik_invalid_date"


def test_the_century_is_the_one_giving_an_age_between_0_and_120():
    assert nik_parse("3175040101050001", today=TODAY).birth_date == date(2005, 1, 1)
    assert nik_parse("3175040101990001", today=TODAY).birth_date == date(1999, 1, 1)
    # later this year would be in the future, so it reads as 1925
    assert nik_parse("3175040112250001", today=TODAY).birth_date == date(1925, 12, 1)


def test_all_38_provinces_are_known_including_the_2022_papua_provinces():
    assert len(PROVINCES) == 38
    assert PROVINCES["91"] == "Papua" and PROVINCES["96"] == "Papua Barat Daya"
    assert {"93", "94", "95"} <= PROVINCES.keys()


def test_validation_passes_when_birth_date_and_sex_agree():
    info = nik_validate(WOMAN_1990, birth_date=date(1990, 12, 5), sex="F", today=TODAY)
    assert info.birth_date == date(1990, 12, 5)


def test_the_entered_birth_date_settles_a_100_year_old_century():
    info = nik_validate("3175040101250001", birth_date=date(1925, 1, 1), sex="M", today=TODAY)
    assert info.birth_date == date(1925, 1, 1)


def test_a_birth_date_that_differs_from_the_nik_is_a_mismatch():
    assert (
        error_code(WOMAN_1990, birth_date=date(1990, 12, 6), sex="F") == "nik_birth_date_mismatch"
    )


def test_a_man_entering_a_womans_nik_is_a_sex_mismatch():
    assert error_code(WOMAN_1990, birth_date=date(1990, 12, 5), sex="M") == "nik_sex_mismatch"


def test_a_birth_date_in_the_future_is_refused_even_when_the_nik_encodes_it():
    # given: born 1 December 2025, six months after "today"
    nik = "3175040112250001"
    # when / then
    assert error_code(nik, birth_date=date(2025, 12, 1), sex="M") == "nik_future_date"


def test_errors_never_carry_the_number_itself():
    # given
    with pytest.raises(NikError) as caught:
        nik_validate(WOMAN_1990, birth_date=date(1990, 12, 5), sex="M", today=TODAY)
    # then
    assert WOMAN_1990 not in str(caught.value) + repr(caught.value) + str(caught.value.message)


def test_id_number_validate_returns_a_normalised_nik():
    assert (
        id_number_validate("nik", "3175 0445 1290 0012", birth_date=date(1990, 12, 5), sex="F")
        == WOMAN_1990
    )


@pytest.mark.parametrize(
    ("id_type", "number", "normalised"),
    [
        ("passport", "c 1234567", "C1234567"),
        ("passport", "X1234567", "X1234567"),
        ("driving_licence", "1234-5678-901234", "12345678901234"),
        ("driving_licence", "MORGA657054SM9IJ", "MORGA657054SM9IJ"),
    ],
)
def test_passport_and_licence_numbers_are_normalised(id_type, number, normalised):
    assert id_number_validate(id_type, number, birth_date=date(1990, 1, 1), sex="F") == normalised


@pytest.mark.parametrize(
    ("id_type", "number"),
    [
        ("passport", "12"),
        ("passport", "ABCDEFGH"),  # no digit at all
        ("passport", "A12345678901"),  # longer than the 9-character ICAO field
        ("passport", "A123<4567"),
        ("driving_licence", "0000000"),
        ("driving_licence", "licence"),
        ("driving_licence", "١٢٣٤٥٦٧٨"),
    ],
)
def test_garbage_passport_and_licence_numbers_are_invalid(id_type, number):
    with pytest.raises(NikError) as caught:
        id_number_validate(id_type, number, birth_date=date(1990, 1, 1), sex="F")
    assert caught.value.code == "id_number_invalid"


def test_an_unknown_id_type_is_a_programming_error_not_a_member_error():
    with pytest.raises(ValueError, match="unknown id_type") as caught:
        id_number_validate("library_card", "123456", birth_date=date(1990, 1, 1), sex="F")
    assert not isinstance(caught.value, NikError)
