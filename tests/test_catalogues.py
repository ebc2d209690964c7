"""The catalogue compiler (polib, no GNU gettext) writes .mo files that gettext reads right."""

from __future__ import annotations

import gettext
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from config.catalogues import compile_catalogue

PO = r"""
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=1; plural=0;\n"

#: a.py:1
msgid "Sign in"
msgstr "Masuk"

msgid ""
"A long "
"message\n"
msgstr "Pesan "
"panjang\n"

msgctxt "verb"
msgid "Save"
msgstr "Simpan"

msgid "%(n)d job"
msgid_plural "%(n)d jobs"
msgstr[0] "%(n)d lowongan"

#, fuzzy
msgid "Fuzzy one"
msgstr "Tidak pasti"

msgid "Untranslated"
msgstr ""

msgid "Quote \"inside\" and \\ backslash"
msgstr "Kutip \"di dalam\" dan \\ garis miring"
"""


def _catalogue(mo: bytes) -> gettext.GNUTranslations:
    return gettext.GNUTranslations(io.BytesIO(mo))


def _compiled(po_text: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        po = Path(folder) / "django.po"
        po.write_text(po_text, encoding="utf-8")
        return compile_catalogue(po).read_bytes()


def test_compiled_catalogue_translates_plain_multiline_context_plural_and_escapes():
    # when
    catalogue = _catalogue(_compiled(PO))
    # then
    assert catalogue.gettext("Sign in") == "Masuk"
    assert catalogue.gettext("A long message\n") == "Pesan panjang\n"
    assert catalogue.pgettext("verb", "Save") == "Simpan"
    assert catalogue.ngettext("%(n)d job", "%(n)d jobs", 5) == "%(n)d lowongan"
    assert catalogue.gettext('Quote "inside" and \\ backslash') == (
        'Kutip "di dalam" dan \\ garis miring'
    )


def test_fuzzy_and_untranslated_entries_fall_back_to_the_source_text():
    # when
    catalogue = _catalogue(_compiled(PO))
    # then
    assert catalogue.gettext("Fuzzy one") == "Fuzzy one"
    assert catalogue.gettext("Untranslated") == "Untranslated"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_output_reads_the_same_as_gnu_msgfmt(tmp_path: Path):
    # given
    po = tmp_path / "django.po"
    po.write_text(PO, encoding="utf-8")
    gnu = tmp_path / "gnu.mo"
    subprocess.run(["msgfmt", "-o", str(gnu), str(po)], check=True)  # noqa: S603, S607
    ours = _catalogue(_compiled(PO))
    theirs = _catalogue(gnu.read_bytes())
    # then
    for msgid in ["Sign in", "A long message\n", "Fuzzy one", "Untranslated"]:
        assert ours.gettext(msgid) == theirs.gettext(msgid)
    assert ours.pgettext("verb", "Save") == theirs.pgettext("verb", "Save")
