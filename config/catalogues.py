"""Compile the gettext catalogues (.po → .mo) with polib, so no GNU gettext is needed:
``python -m config.catalogues [locale_dir]`` (``make compile-messages``).

polib's ``save_as_mofile`` writes the translated entries and the header, leaving out fuzzy,
untranslated and obsolete ones, as GNU msgfmt does by default.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib


def compile_catalogue(po: Path) -> Path:
    """Compile one .po file into the .mo file next to it; return the .mo path."""
    mo = po.with_suffix(".mo")
    polib.pofile(str(po)).save_as_mofile(str(mo))
    return mo


def compile_tree(locale_dir: Path) -> list[Path]:
    """Compile every .po under ``locale_dir`` next to itself; return the .mo paths."""
    return [compile_catalogue(po) for po in sorted(locale_dir.rglob("*.po"))]


if __name__ == "__main__":
    root = Path(
        sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "locale"
    )
    for path in compile_tree(root):
        print(f"compiled {path}")
