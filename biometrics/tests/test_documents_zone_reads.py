"""A passport's zone read in several regions of one photo: each region's read of line 2 is
kept, and reads right in different parts verify the zone together."""

from __future__ import annotations

from datetime import date

import numpy as np

from biometrics.documents import locate, ocr
from biometrics.documents.mrz import mrz_compose
from biometrics.documents.ocr import TextBox, TextLine
from biometrics.documents.passport_page import combine_regions
from biometrics.documents.reader import _read_region
from biometrics.documents.results import DocumentRead, ReadField
from biometrics.tests import factories as f

TODAY = date(2026, 6, 1)
BOX = TextBox(points=np.array([[0, 0], [880, 0], [880, 30], [0, 30]], np.float32))
LINE1, LINE2 = mrz_compose(
    surname="PRATAMA",
    given_names="IMAM ARIF",
    number="A9772166",
    nationality="IDN",
    birth=date(1995, 2, 6),
    sex="M",
    expiry=date(2033, 7, 29),
)


def _line(text: str, confidence: float = 0.8) -> TextLine:
    return TextLine(BOX, text, confidence, 0.5, tuple(confidence for _ch in text))


def _read_cut_short(line2: str) -> DocumentRead:
    """A passport read whose line 2 was cut short of its composite (it fails), its name the
    one printed in the visual zone."""
    read = DocumentRead(kind="passport", mrz_failed=("composite",), mrz_doubtful=True)
    read.mrz_reads = (_line(LINE1), _line(line2[:32]))
    read.fields["id_number"] = ReadField("A9772166", 0.8, "mrz")
    read.fields["full_name"] = ReadField("IMAM ARIF PRATAMA", 0.94, "printed", ("IMAM ARIF",))
    return read


def test_line_2_cut_short_in_one_region_and_lacking_a_digit_in_another_verifies_together():
    # given a read whose line 2 stopped before its composite (hand-held 70703 passport_0040),
    # and another region's read that has the line's end but lost a digit of the number
    read = _read_cut_short(LINE2)
    other = LINE2[:5] + LINE2[6:]
    # when the photo's reads of line 2 are combined
    combined = combine_regions(read, [_line(LINE2[:32]), _line(other)], today=TODAY)
    # then the zone verifies: its fields are the zone's, checked by their digits
    assert combined
    assert (read.mrz_failed, read.mrz_doubtful) == ((), False)
    assert read.fields["id_number"].confidence == 0.99
    assert read.value("date_of_birth") == "1995-02-06"
    assert read.value("expiry") == "2033-07-29"
    # and the name printed in the visual zone, chosen over the zone's, stays
    assert read.fields["full_name"].source == "printed"


def test_reads_of_a_composite_printed_wrong_in_every_region_stay_failed():
    wrong = LINE2[:-1] + str((int(LINE2[-1]) + 1) % 10)
    read = _read_cut_short(wrong)
    other = wrong[:5] + wrong[6:]
    assert not combine_regions(read, [_line(wrong[:32]), _line(other)], today=TODAY)
    assert read.mrz_failed == ("composite",)
    assert read.fields["id_number"].confidence == 0.8


def test_a_verified_read_or_a_card_is_left_as_it_is():
    read = _read_cut_short(LINE2)
    read.mrz_failed = ()
    assert not combine_regions(read, [_line(LINE2)], today=TODAY)
    card = DocumentRead(kind="ktp", mrz_failed=("composite",))
    assert not combine_regions(card, [_line(LINE2)], today=TODAY)


def test_each_region_read_keeps_its_line_2():
    # given the standard passport page, flattened whole
    page = f.stored_array(f.document("passport", photographed=False))
    height, width = page.shape[:2]
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    region = locate.Region(corners, locate.ID3_ASPECT, 1.0, False)
    # when the region is read with a list for the photo's reads of line 2
    line2s: list[TextLine] = []
    read = _read_region(page, region, ocr.engine(), today=TODAY, line2s=line2s)
    # then the zone's line 2 is kept there
    assert read is not None and read.kind == "passport"
    assert [line.text[:9] for line in line2s] == [f.PASSPORT_NUMBER + "<"]


def _verified_page(name: str, confidence: float) -> DocumentRead:
    read = DocumentRead(kind="passport")
    read.fields.update(
        id_number=ReadField("A9772166", 0.99, "mrz"),
        full_name=ReadField(name, confidence, "mrz"),
        date_of_birth=ReadField("1995-02-06", 0.99, "mrz"),
        sex=ReadField("M", 0.99, "mrz"),
    )
    return read


def test_a_verified_page_whose_name_was_read_with_doubt_is_read_again_from_the_next_region(
    monkeypatch,
):
    from types import SimpleNamespace

    from biometrics.documents import reader
    from biometrics.documents.check import cross_check, decide
    from biometrics.documents.results import Typed

    # given a page whose zone verifies from every region, the first of which lost letters of
    # line 1 (hand-held 70702 passport_0001: "TIAR RAHAYU" for TIARA WULAN RAHAYU, read whole
    # from the next region)
    def reads_of(*pages: DocumentRead) -> list[DocumentRead]:
        regions = [SimpleNamespace(whole_frame=False) for _page in pages]
        monkeypatch.setattr(reader.locate, "document_regions", lambda img: regions)
        done: list[DocumentRead] = []

        def read_region(img, region, ocr, **kwargs):
            done.append(pages[len(done)])
            return done[-1]

        monkeypatch.setattr(reader, "_read_region", read_region)
        return done

    img = np.zeros((10, 10, 3), np.uint8)
    done = reads_of(
        _verified_page("ARIF PRATAMA", 0.56),
        _verified_page("IMAM ARIF PRATAMA", 0.9),
        _verified_page("IMAM ARIF PRATAMX", 0.9),
    )
    # when it is read
    read = reader.document_read(img, ocr=object(), today=TODAY)
    # then the next region is read too, and both readings of the name are compared
    assert len(done) == 2
    assert (read.value("full_name"), read.fields["full_name"].others) == (
        "ARIF PRATAMA",
        ("IMAM ARIF PRATAMA",),
    )
    typed = Typed("passport", "A9772166", "Imam Arif Pratama", date(1995, 2, 6), "M")
    assert decide(read, cross_check(read, typed, today=TODAY), today=TODAY).decision == "pass"
    # but a name read surely is read once
    done = reads_of(_verified_page("IMAM ARIF PRATAMA", 0.9), _verified_page("X", 0.9))
    assert reader.document_read(img, ocr=object(), today=TODAY).value("full_name") == (
        "IMAM ARIF PRATAMA"
    )
    assert len(done) == 1
    # and another number's page adds nothing to the name
    other = _verified_page("IMAM ARIF PRATAMA", 0.9)
    other.fields["id_number"] = ReadField("A9772167", 0.99, "mrz")
    done = reads_of(_verified_page("ARIF PRATAMA", 0.56), other)
    assert reader.document_read(img, ocr=object(), today=TODAY).fields["full_name"].others == ()
