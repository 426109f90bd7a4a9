"""Reading the US National Do Not Call Registry's download files. Pure, streaming.

The registry's flat files (telemarketing.donotcall.gov) come zipped or plain:

- a **full list**: one registered number per line, as ten digits (``2015550123``) or as
  area code and number (``201,5550123``);
- a **change list**: the numbers added to or deleted from the registry since the last
  download, one per line with its action after the number (``2015550123,A`` or
  ``201,5550123,D``; ``A``/``ADD``/``ADDED`` or ``D``/``DEL``/``DELETE``/``DELETED``, any
  case); fields after the action (a date) are ignored;
- **area-code wildcards**: a whole area code as ``201``, ``201,*`` or ``201*`` (in either
  kind of file; in a change list followed by its action).

A number may also be written with its country code (``12015550123``, ``+12015550123``).
Blank lines are skipped; anything else is refused with its line number. Numbers come out
in E.164 (``+12015550123``) and area codes as ``+1201``: the key the claim looks up.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

_ADD = frozenset({"a", "add", "added"})
_DELETE = frozenset({"d", "del", "delete", "deleted"})
_NANP_LEAD = frozenset("23456789")  # an area code and an exchange start with 2-9


class RegistryFileError(ValueError):
    """A line that is not an entry; ``where`` names the line (and the zip member)."""

    def __init__(self, where: str, detail: str) -> None:
        super().__init__(f"{where}: {detail}")
        self.where = where
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Entry:
    key: str  # "+1NPANXXXXXX", or "+1NPA" for a whole area code
    add: bool  # False: a change list's deletion


@contextmanager
def open_lines(path: Path, name: str | None = None) -> Iterator[Iterator[tuple[str, str]]]:
    """(where, line) of a plain or zipped file, streamed; a zip's files are read in name
    order (a download of several area codes is one file each). ``name``: what to call the
    file in errors (default: its file name)."""
    name = name or path.name
    with path.open("rb") as raw:
        zipped = raw.read(4) == b"PK\x03\x04"
        raw.seek(0)
        lines: Lines
        if not zipped:
            lines = _numbered(name, raw)
        else:
            try:
                archive = zipfile.ZipFile(raw)
            except zipfile.BadZipFile as error:
                detail = f"is not a readable zip file ({error})"
                raise RegistryFileError(name, detail) from None
            members = sorted(i.filename for i in archive.infolist() if not i.is_dir())
            if not members:
                archive.close()
                raise RegistryFileError(name, "the zip file holds no file")
            lines = _members(archive, members)
        try:
            yield lines
        finally:
            lines.close()  # closes the file it was reading, however the reader stopped


Lines = Generator[tuple[str, str], None, None]


def _members(archive: zipfile.ZipFile, members: list[str]) -> Lines:
    with archive:
        for name in members:
            with archive.open(name) as member:
                yield from _numbered(name, member)


def _numbered(name: str, raw: IO[bytes]) -> Lines:
    with io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline=None) as text:
        for number, line in enumerate(text, 1):
            yield f"{name} line {number}", line


def entries(lines: Iterator[tuple[str, str]], *, changes: bool) -> Iterator[Entry]:
    """The entries of a full list (every one an addition) or of a change list."""
    for where, line in lines:
        text = line.strip()
        # The common case of a full list, ten digits, without splitting the line.
        if (
            not changes
            and len(text) == 10
            and text.isascii()
            and text.isdigit()
            and text[0] in _NANP_LEAD
            and text[3] in _NANP_LEAD
        ):
            yield Entry("+1" + text, True)
            continue
        if text:
            yield _entry(where, text, changes)


def _entry(where: str, text: str, changes: bool) -> Entry:
    fields = [field.strip() for field in text.split(",")]
    key, used = _key(where, fields)
    rest = fields[used:]
    if not changes:
        if rest:
            raise RegistryFileError(
                where,
                f"{text!r} has more than a number: a full list has one number per line "
                "(for a change list, import it with --changes)",
            )
        return Entry(key, True)
    if not rest or not rest[0]:
        raise RegistryFileError(where, f"{text!r} has no action: write A (added) or D (deleted)")
    action = rest[0].lower()
    if action in _ADD:
        return Entry(key, True)
    if action in _DELETE:
        return Entry(key, False)
    raise RegistryFileError(where, f"{rest[0]!r} is not an action: write A (added) or D (deleted)")


def _key(where: str, fields: list[str]) -> tuple[str, int]:
    """The lookup key of the number at the start of ``fields``; how many fields it took."""
    first = fields[0]
    if len(fields) > 1 and len(first) == 3 and first.isdigit():
        second = fields[1]
        if second == "*":
            return _area(where, first), 2
        if len(second) == 7 and second.isascii() and second.isdigit():
            return _number(where, first + second), 2
    if first.endswith("*") and len(first) == 4:
        return _area(where, first[:3]), 1
    if len(first) == 3 and first.isascii() and first.isdigit():
        return _area(where, first), 1
    digits = first.removeprefix("+")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10 and digits.isascii() and digits.isdigit():
        return _number(where, digits), 1
    raise RegistryFileError(
        where,
        f"{','.join(fields)!r} is not a registry entry: write a 10-digit number (2015550123), "
        "NPA,NXXXXXX (201,5550123) or a whole area code (201)",
    )


def _area(where: str, npa: str) -> str:
    if not (npa.isascii() and npa.isdigit()) or npa[0] not in _NANP_LEAD:
        raise RegistryFileError(where, f"{npa!r} is not an area code (three digits, 2-9 first)")
    return "+1" + npa


def _number(where: str, digits: str) -> str:
    if digits[0] not in _NANP_LEAD or digits[3] not in _NANP_LEAD:
        raise RegistryFileError(
            where, f"{digits!r} is not a US number (its area code and exchange start with 2-9)"
        )
    return "+1" + digits
