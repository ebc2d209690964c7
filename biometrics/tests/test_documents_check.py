"""The cross-check and the decision, on hand-made reads (pure: no OCR, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from biometrics.documents.check import cross_check, decide, name_similarity
from biometrics.documents.results import DocumentRead, ReadField, Typed

TODAY = date(2026, 6, 1)
# 05-12-1990, female (day + 40), DKI Jakarta
NIK = "3174094512900001"


def _ktp(**fields: str) -> DocumentRead:
    values = {
        "id_number": NIK,
        "full_name": "SITIRAHAYU",  # the recogniser drops spaces
        "date_of_birth": "1990-12-05",
        "sex": "F",
    }
    values.update(fields)
    return DocumentRead(
        kind="ktp",
        fields={name: ReadField(value, 0.97) for name, value in values.items() if value},
    )


def _typed(**overrides) -> Typed:
    values = {
        "id_type": "ktp",
        "id_number": NIK,
        "full_name": "Siti Rahayu",
        "date_of_birth": date(1990, 12, 5),
        "sex": "F",
    }
    values.update(overrides)
    return Typed(**values)


def _check(read: DocumentRead, typed: Typed | None = None):
    typed = typed or _typed()
    return decide(read, cross_check(read, typed, today=TODAY), today=TODAY)


def test_a_ktp_that_says_what_was_typed_passes():
    result = _check(_ktp())
    assert (result.decision, result.code) == ("pass", "")
    assert {f.field: f.outcome for f in result.fields} == {
        "id_type": "match",
        "id_number": "match",
        "full_name": "match",
        "date_of_birth": "match",
        "sex": "match",
    }


def test_a_printed_nik_that_differs_from_the_typed_one_is_a_data_mismatch_naming_the_field():
    # the member typed a NIK that obeys every rule, but the card prints another one
    result = _check(_ktp(id_number="3174094512900777"))
    assert (result.decision, result.code) == ("reject", "document_data_mismatch")
    assert result.mismatched == ["id_number"]
    # what is kept names the field and never the value read
    record = result.as_record()
    assert "3174094512900777" not in str(record)


def test_another_persons_name_is_a_mismatch_and_a_near_miss_goes_to_review():
    assert _check(_ktp(full_name="BAMBANGSUTRISNO")).mismatched == ["full_name"]
    near = _check(_ktp(full_name="SITIRAHAYUNINGSIH"))
    assert (near.decision, near.code) == ("review", "document_review")


def test_a_printed_date_misread_by_one_digit_is_outvoted_by_the_nik_and_the_member():
    # the card's date reads 06-12-1990, the NIK (read exactly) encodes 05-12-1990 as typed
    result = _check(_ktp(date_of_birth="1990-12-06"))
    assert result.decision == "pass"


def test_a_card_whose_printed_date_contradicts_its_own_nik_is_a_mismatch():
    result = _check(_ktp(date_of_birth="1985-03-17"))
    assert result.mismatched == ["date_of_birth"]


def test_a_printed_date_read_with_doubt_that_contradicts_the_nik_goes_to_review():
    # the birth row read whole but with doubt ("02-01-1990" at 0.67), the NIK read exactly and
    # encoding the date the member typed
    read = _ktp()
    read.fields["date_of_birth"] = ReadField("1990-01-02", 0.67)
    result = _check(read)
    assert (result.decision, result.code, result.mismatched) == ("review", "document_review", [])


def test_a_printed_date_that_lost_a_digit_of_its_day_gives_way_to_the_date_the_nik_encodes():
    from biometrics.documents.parsing import DATE_PART_LOST

    # given a KTP whose birth row read "MAKASSAR2-0L-190" (28-06-1960 on a soft card, wild
    # 70903 ktp_0000): a date with its day cut to one digit, kept as a guess
    read = _ktp()
    read.fields["date_of_birth"] = ReadField("1900-01-02", DATE_PART_LOST)
    # then the NIK, read exactly, gives the date: what the member typed passes
    result = _check(read)
    assert result.decision == "pass"
    [born] = [f for f in result.fields if f.field == "date_of_birth"]
    assert (born.outcome, born.source) == ("match", "nik")
    # and a typed date the NIK does not encode is still a mismatch
    changed = _check(read, _typed(date_of_birth=date(1990, 12, 6)))
    assert changed.mismatched == ["date_of_birth"]


def test_sex_falls_back_to_what_the_nik_encodes_when_it_was_not_read():
    read = _ktp(sex="")
    assert _check(read).decision == "pass"
    [sex] = [f for f in cross_check(read, _typed(), today=TODAY) if f.field == "sex"]
    assert sex.source == "nik"


def test_an_unread_name_goes_to_review_not_to_a_rejection():
    result = _check(_ktp(full_name=""))
    assert (result.decision, result.code) == ("review", "document_review")


def test_a_passport_typed_as_a_ktp_is_a_mismatch_of_the_id_type():
    read = DocumentRead(kind="passport", fields={"id_number": ReadField(NIK, 0.99, "mrz")})
    assert "id_type" in _check(read).mismatched


def _sim(number: str) -> DocumentRead:
    values = {"id_number": number, "full_name": "SITIRAHAYU", "date_of_birth": "1990-12-05"}
    fields = {name: ReadField(value, 0.97) for name, value in values.items()}
    fields["sex"] = ReadField("F", 0.97)
    return DocumentRead(kind="driving_licence", fields=fields)


def _passport(**extra) -> DocumentRead:
    fields = {
        "id_number": ReadField("C1234567", 0.99, "mrz"),
        "full_name": ReadField("RAHAYU SITI", 0.9, "mrz"),
        "date_of_birth": ReadField("1990-12-05", 0.99, "mrz"),
        "sex": ReadField("F", 0.99, "mrz"),
        "expiry": ReadField("2030-01-01", 0.99, "mrz"),
    }
    read = DocumentRead(kind="passport", fields=fields)
    for key, value in extra.items():
        setattr(read, key, value)
    return read


def test_a_valid_passport_passes_whatever_the_order_of_the_names():
    typed = _typed(id_type="passport", id_number="C1234567")
    assert _check(_passport(), typed).decision == "pass"


def test_a_passport_with_a_failing_check_digit_is_rejected_as_mrz_invalid():
    typed = _typed(id_type="passport", id_number="C1234567")
    result = _check(_passport(mrz_failed=("birth", "composite")), typed)
    assert (result.decision, result.code) == ("reject", "document_mrz_invalid")


def test_a_check_digit_failing_on_a_doubtful_character_goes_to_review():
    typed = _typed(id_type="passport", id_number="C1234567")
    result = _check(_passport(mrz_failed=("birth", "composite"), mrz_doubtful=True), typed)
    assert (result.decision, result.code) == ("review", "document_review")


def test_an_mrz_birth_date_failing_its_check_digit_one_digit_off_goes_to_review():
    # given a doubtful read whose birth date failed its own check digit: 1990-12-05 read as
    # 1991-12-05 (a genuine passport of held-out 70104 was rejected as a birth-date mismatch)
    typed = _typed(id_type="passport", id_number="C1234567")
    read = _passport(mrz_failed=("birth", "composite"), mrz_doubtful=True)
    read.fields["date_of_birth"] = ReadField("1991-12-05", 0.95, "mrz")
    # then a person compares: the unverified date is not the member's error
    result = _check(read, typed)
    assert (result.decision, result.code) == ("review", "document_review")
    # a verified MRZ date one digit off is still a mismatch
    verified = _passport()
    verified.fields["date_of_birth"] = ReadField("1991-12-05", 0.95, "mrz")
    assert _check(verified, typed).mismatched == ["date_of_birth"]
    # one digit off in the zone's YYMMDD, whose century is inferred ("911205": 1991, typed
    # 2001) is the same slip
    read.fields["date_of_birth"] = ReadField("1980-12-05", 0.95, "mrz")
    assert (
        _check(
            read, _typed(id_type="passport", id_number="C1234567", date_of_birth=date(2000, 12, 5))
        ).decision
        == "review"
    )
    # and an unverified date two digits off is a mismatch
    read.fields["date_of_birth"] = ReadField("1971-12-15", 0.95, "mrz")
    assert _check(read, typed).mismatched == ["date_of_birth"]


def test_an_mrz_number_failing_its_check_digit_a_character_or_two_off_goes_to_review():
    # given a doubtful read whose number failed its own check digit: "B" read as "8"
    typed = _typed(id_type="passport", id_number="B3716003")
    read = _passport(mrz_failed=("number", "composite"), mrz_doubtful=True)
    read.fields["id_number"] = ReadField("83716003", 0.93, "mrz")
    # then a person compares (the typed number is not refused on an unverified read)
    assert (_check(read, typed).decision, _check(read, typed).code) == ("review", "document_review")
    # and so does a number two characters off it (a soft print-out's "C0185401" read
    # "CE185491": refused as another number, a genuine passport of handheld 70703)
    two_off = _check(read, _typed(id_type="passport", id_number="B3716093"))
    assert (two_off.decision, two_off.code) == ("review", "document_review")
    # and so does a number read a character short (handheld 70702 passport_0028: "A8835813"
    # read "A883581<", the line shifted by the lost character: refused as another number)
    read.fields["id_number"] = ReadField("A883581", 0.97, "mrz")
    short = _check(read, _typed(id_type="passport", id_number="A8835813"))
    assert (short.decision, short.code) == ("review", "document_review")
    read.fields["id_number"] = ReadField("83716003", 0.93, "mrz")
    # but three characters off, or one off a number whose check digit verified, is a mismatch
    assert _check(read, _typed(id_type="passport", id_number="B3719093")).mismatched == [
        "id_number"
    ]
    assert _check(read, _typed(id_type="passport", id_number="B371")).mismatched == ["id_number"]
    verified = _passport()
    verified.fields["id_number"] = ReadField("83716003", 0.99, "mrz")
    assert _check(verified, typed).mismatched == ["id_number"]


def test_an_mrz_numbers_padding_read_as_a_letter_the_check_digits_cannot_see_goes_to_review():
    from biometrics.documents.mrz import check_digit

    # given a zone whose number's padding "<" was read "K" (wild 70903 passport_0001): K weighs
    # 20, nothing modulo 10, so the number's check digit verifies either way
    assert check_digit("A5824269K") == check_digit("A5824269<")
    typed = _typed(id_type="passport", id_number="A5824269")
    read = _passport(mrz_failed=("birth", "composite"), mrz_doubtful=True)
    read.fields["id_number"] = ReadField("A5824269K", 0.86, "mrz")
    # then a person compares, whether or not the rest of the zone verified
    assert (_check(read, typed).decision, _check(read, typed).code) == ("review", "document_review")
    verified = _passport()
    verified.fields["id_number"] = ReadField("A5824269K", 0.99, "mrz")
    assert _check(verified, typed).decision == "review"
    # but a letter the check digit weighs, or a typed number that is not the read one's
    # start, is another number
    verified.fields["id_number"] = ReadField("A5824269B", 0.99, "mrz")
    assert _check(verified, typed).mismatched == ["id_number"]
    verified.fields["id_number"] = ReadField("A5824268K", 0.99, "mrz")
    assert _check(verified, typed).mismatched == ["id_number"]


def test_an_expired_passport_is_rejected():
    typed = _typed(id_type="passport", id_number="C1234567")
    read = _passport()
    read.fields["expiry"] = ReadField("2026-05-31", 0.99, "mrz")
    assert _check(read, typed).code == "document_expired"


def test_a_passport_taken_for_cut_off_whose_zone_verified_is_judged_on_what_it_says():
    typed = _typed(id_type="passport", id_number="C1234567")
    # the page's outline reaches the photo's border, but every check digit verified
    assert _check(_passport(problem="cut_off"), typed).decision == "pass"
    # it is still compared with what was typed: another number is a mismatch
    other = _check(_passport(problem="cut_off"), _typed(id_type="passport", id_number="C7654321"))
    assert (other.decision, other.code) == ("reject", "document_data_mismatch")
    # and a near miss goes to a person
    read = _passport(problem="cut_off")
    read.fields["full_name"] = ReadField("RAHAYUNINGSIH SITI", 0.9, "mrz")
    assert _check(read, typed).decision == "review"


@pytest.mark.parametrize(
    "read",
    [
        _passport(problem="cut_off", mrz_failed=("composite",)),  # a check digit failed
        _passport(problem="cut_off", mrz_failed=("expiry",), mrz_doubtful=True),
        _passport(problem="blur"),  # only a cut-off page is read whole this way
        # a KTP whose printed birth date or sex is not what its NIK encodes, or missing
        DocumentRead(
            kind="ktp",
            fields=_ktp(date_of_birth="1990-12-06").fields,
            problem="cut_off",
            layout_whole=True,
        ),
        DocumentRead(kind="ktp", fields=_ktp(sex="M").fields, problem="cut_off", layout_whole=True),
        DocumentRead(kind="ktp", fields=_ktp(sex="").fields, problem="cut_off", layout_whole=True),
        DocumentRead(kind="driving_licence", fields=_sim("123456789012").fields, problem="cut_off"),
    ],
)
def test_a_cut_off_document_not_verified_by_itself_is_still_unreadable(read):
    typed = _typed(id_type=read.kind, id_number=read.value("id_number"))
    result = _check(read, typed)
    assert (result.decision, result.code) == ("reject", "document_unreadable")


def test_a_ktp_taken_for_cut_off_whose_nik_vouches_for_its_fields_is_judged_on_them():
    # given a card whose corner leaves the frame, every field read, and the NIK (which obeys
    # the rules) encoding the birth date and sex printed on it
    read = DocumentRead(kind="ktp", fields=_ktp().fields, problem="cut_off", layout_whole=True)
    # then it is compared with what was typed like a whole card
    assert _check(read).decision == "pass"
    assert _check(read, _typed(full_name="Bambang Sutrisno")).mismatched == ["full_name"]
    # but not when the frame cut through its portrait (text where the portrait should be)
    read.layout_whole = False
    assert _check(read).code == "document_unreadable"
    # nor when the birth date it shows was taken from the NIK instead of read
    read.layout_whole = True
    read.fields["date_of_birth"] = ReadField("1990-12-05", 0.9, "nik")
    assert _check(read).code == "document_unreadable"


def test_a_cut_off_passport_missing_a_field_is_still_unreadable():
    typed = _typed(id_type="passport", id_number="C1234567")
    read = _passport(problem="cut_off")
    del read.fields["expiry"]
    assert _check(read, typed).code == "document_unreadable"


def test_no_document_and_an_unreadable_one_have_their_own_codes():
    assert _check(DocumentRead(problem="not_found")).code == "document_not_found"
    blurred = _check(DocumentRead(kind="ktp", problem="blur"))
    assert (blurred.code, blurred.cause) == ("document_unreadable", "blur")


@pytest.mark.parametrize(
    ("typed", "read", "alike"),
    [
        ("Siti Rahayu", "SITIRAHAYU", True),  # spaces dropped by the recogniser
        ("Anna Maria Eriksson", "ERIKSSON ANNA MARIA", True),  # MRZ order
        ("Budi Santoso", "BUDI SANTOS0", True),  # one letter misread
        ("Budi Santoso", "AGUS SALIM", False),
        ("Dimas Wijaya", "DIMASWUAYA", True),  # "IJ" run together into "U" (soft print)
        ("Imam Wijaya", "MAMWUAYA", True),  # and the first letter lost
        ("Dimas Wijaya", "DIMASWIBOWO", False),
        ("Imam Wijaya", "BUDIWUAYA", False),
        ("Dewi", "DEWI KARTIKA SARI", False),
    ],
)
def test_names_compare_ignoring_spaces_case_and_order(typed, read, alike):
    assert (name_similarity(typed, read) >= 86) is alike


def test_a_passport_whose_name_line_could_not_be_read_goes_to_review():
    typed = _typed(id_type="passport", id_number="C1234567")
    read = _passport()
    read.fields["full_name"] = ReadField("", 0.3, "mrz")
    result = _check(read, typed)
    assert (result.decision, result.code) == ("review", "document_review")


def test_a_name_read_only_in_part_goes_to_review_and_another_persons_name_is_rejected():
    typed = _typed(id_type="passport", id_number="C1234567", full_name="Fajar Kusuma")
    read = _passport()
    read.fields["full_name"] = ReadField("FR", 0.95, "mrz")
    assert _check(read, typed).decision == "review"
    read.fields["full_name"] = ReadField("BAMBANG SUTRISNO", 0.95, "mrz")
    assert _check(read, typed).mismatched == ["full_name"]


def test_a_name_that_lost_its_first_words_goes_to_review_and_another_family_is_rejected():
    # given a SIM whose soft print lost the first names ("UHHASIBUAN" for SRI FITRI HASIBUAN)
    typed = _typed(id_type="driving_licence", id_number="718662242613")
    typed = Typed(**{**typed.__dict__, "full_name": "Sri Fitri Hasibuan"})
    read = _sim("718662242613")
    read.fields["full_name"] = ReadField("UHHASIBUAN", 0.8)
    # then a person compares: what was read is the typed name's end
    assert _check(read, typed).decision == "review"
    # while a name read whole that is another person's, or whose end is another family's,
    # is still a mismatch
    for other in ("BAMBANGSUTRISNO", "UHSUTRISNO"):
        read.fields["full_name"] = ReadField(other, 0.8)
        assert _check(read, typed).mismatched == ["full_name"], other


def test_a_sim_number_read_confidently_one_digit_off_goes_to_review_not_to_a_rejection():
    # given a SIM whose 12-digit number (no check digit, no rules) was read with one digit wrong
    typed = _typed(id_type="driving_licence", id_number="1234-5678-9012")
    # when it is checked against what the member typed
    result = _check(_sim("123456789013"), typed)
    # then a person compares (review still catches a changed number), while two digits off or
    # a NIK one digit off (the issue requires the NIK exactly) stays a mismatch
    assert (result.decision, result.code) == ("review", "document_review")
    assert _check(_sim("123456789113"), typed).mismatched == ["id_number"]
    assert _check(_ktp(id_number="3174094512900002")).mismatched == ["id_number"]


def test_a_passport_name_read_twice_is_compared_by_its_closer_reading():
    # given a passport whose MRZ name was doubtful, read again from the visual zone: the
    # printed reading lost letters ("MEGAVUTEASANTONO"), the MRZ's is right
    fields = _passport().fields
    fields["full_name"] = ReadField("MEGAVUTEASANTONO", 0.83, others=("SANTOSO MEGA YULIA",))
    read = DocumentRead(kind="passport", fields=fields)
    typed = _typed(id_type="passport", id_number="C1234567", full_name="Mega Yulia Santoso")
    # then the name matches on its closer reading, and the case passes
    assert _check(read, typed).decision == "pass"
    # and the other way round (the MRZ's reading the misread one)
    fields["full_name"] = ReadField("MEGA YULIA SANTOSO", 0.9, others=("SANTOSO MEGA VUTEA",))
    assert _check(DocumentRead(kind="passport", fields=fields), typed).decision == "pass"
    # another person's name matches neither reading: still caught
    other = _typed(id_type="passport", id_number="C1234567", full_name="Budi Hartono")
    check = _check(read, other)
    assert check.decision == "reject" and check.mismatched == ["full_name"]


def test_a_short_name_read_one_letter_off_goes_to_review_and_another_short_name_is_rejected():
    # given a SIM of a member with a one-word name, "DWI", read "DWT" confidently (hh70901
    # driving_licence_0053): one slip in three letters scores 67, below the near-miss line
    typed = _typed(id_type="driving_licence", id_number="718662242613", full_name="Dwi")
    read = _sim("718662242613")
    read.fields["full_name"] = ReadField("DWT", 0.94)
    # then a person compares, as for any near miss
    assert (_check(read, typed).decision, _check(read, typed).mismatched) == ("review", [])
    # a letter dropped or added is one letter off too
    read.fields["full_name"] = ReadField("DW", 0.94)
    assert _check(read, typed).decision == "review"
    # while another short name, two letters off or more, is still a mismatch
    for other in ("ANI", "SRI", "DIAH"):
        read.fields["full_name"] = ReadField(other, 0.94)
        assert _check(read, typed).mismatched == ["full_name"], other
