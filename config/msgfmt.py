"""Compile gettext catalogues (.po → .mo) in pure Python, so a machine without GNU gettext can
build the translations: ``python -m config.msgfmt [locale_dir]``.

Fuzzy and untranslated entries are left out, as GNU msgfmt does by default.
"""

from __future__ import annotations

import ast
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    """One catalogue entry."""

    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _unquote(text: str) -> str:
    # PO strings use C escapes, which a Python string literal reads the same way.
    return ast.literal_eval(text)


def parse_po(text: str) -> list[Entry]:
    """Parse a .po file into entries (obsolete ``#~`` entries are skipped)."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None
    started = False

    def finish() -> None:
        nonlocal entry, target, started
        if started:
            entries.append(entry)
        entry, target, started = Entry(), None, False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if started and target is not None and not line.startswith("#~"):
                finish()
            if line.startswith("#,") and "fuzzy" in line:
                entry.fuzzy = True
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"continuation line without a keyword: {raw!r}")
            name, index = target
            value = _unquote(line)
            if name == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, name, (getattr(entry, name) or "") + value)
            continue
        if keyword == "msgctxt":
            if started and entry.msgid:
                finish()
            entry.msgctxt, target = _unquote(rest), ("msgctxt", 0)
        elif keyword == "msgid":
            if started and (entry.msgid or entry.msgstr):
                finish()
            entry.msgid, target = _unquote(rest), ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.msgid_plural, target = _unquote(rest), ("msgid_plural", 0)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            entry.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
        else:
            raise ValueError(f"unknown keyword in: {raw!r}")
        started = True
    finish()
    return entries


def build_mo(entries: list[Entry]) -> bytes:
    """Return the GNU .mo bytes for the translated, non-fuzzy entries (and the header)."""
    pairs: dict[bytes, bytes] = {}
    for e in entries:
        is_header = e.msgid == "" and e.msgctxt is None
        if not is_header and (e.fuzzy or not e.translated):
            continue
        key = e.msgid if e.msgid_plural is None else f"{e.msgid}\0{e.msgid_plural}"
        if e.msgctxt is not None:
            key = f"{e.msgctxt}\x04{key}"
        value = "\0".join(e.msgstr[i] for i in sorted(e.msgstr))
        pairs[key.encode()] = value.encode()
    keys = sorted(pairs)
    header_size = 7 * 4
    originals_at = header_size
    translations_at = originals_at + len(keys) * 8
    data_at = translations_at + len(keys) * 8
    originals, translations, blob = [], [], b""
    for key in keys:
        originals.append((len(key), data_at + len(blob)))
        blob += key + b"\0"
    for key in keys:
        value = pairs[key]
        translations.append((len(value), data_at + len(blob)))
        blob += value + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, len(keys), originals_at, translations_at, 0, 0)
    out += b"".join(struct.pack("<2I", *pair) for pair in originals)
    out += b"".join(struct.pack("<2I", *pair) for pair in translations)
    return out + blob


def compile_tree(locale_dir: Path) -> list[Path]:
    """Compile every .po under ``locale_dir`` next to itself; return the .mo paths."""
    written = []
    for po in sorted(locale_dir.rglob("*.po")):
        mo = po.with_suffix(".mo")
        mo.write_bytes(build_mo(parse_po(po.read_text(encoding="utf-8"))))
        written.append(mo)
    return written


if __name__ == "__main__":
    root = Path(
        sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "locale"
    )
    for path in compile_tree(root):
        print(f"compiled {path}")
