"""Reading lead files as a stream of rows: CSV (any delimiter, quoted fields, BOM, UTF-8 or
Windows-1252 from Excel), TSV, JSON Lines, JSON arrays and XLSX.

``open_rows(path)`` returns the column names and a lazy iterator of :class:`Row`; memory
stays flat whatever the file size. A malformed row becomes a Row with ``error`` set and its
line number, never an exception, so one bad line never stops a 5-million-row load.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

import msgspec

Format = Literal["csv", "tsv", "jsonl", "json", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "tsv", "jsonl", "json", "xlsx")
SAMPLE_BYTES = 1 << 20
DELIMITERS = ",;\t|"

csv.field_size_limit(min(sys.maxsize, 1 << 24))  # 16 MB cells; larger is an error row


@dataclass(slots=True)
class Row:
    line: int  # 1-based line (CSV) or record number (JSON, XLSX), the header being line 1
    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    # What the file held, for the rejects file: the cells of a CSV or XLSX row, the text of
    # a JSON record.
    original: list[str] | str | None = None


@dataclass(slots=True)
class Source:
    """An opened file: its format, columns and rows. ``position()`` is bytes read so far."""

    format: Format
    columns: list[str]
    rows: Iterator[Row]
    encoding: str | None
    delimiter: str | None
    size: int
    _handle: IO[bytes] | None = None
    _text: io.TextIOWrapper | None = None  # kept so the file stays open until close()

    def position(self) -> int:
        if self._handle is None or self._handle.closed:
            return self.size
        return self._handle.tell()

    def close(self) -> None:
        if self._text is not None:
            self._text.close()
        elif self._handle is not None:
            self._handle.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __post_init__(self) -> None:
        rows = self.rows

        def closing() -> Iterator[Row]:  # the file closes once every row was read
            try:
                yield from rows
            finally:
                self.close()

        self.rows = closing()


class ReadError(ValueError):
    """The file cannot be read at all (not a row-level problem)."""


def detect_format(path: Path, sample: bytes) -> Format:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "tsv", "jsonl", "json", "xlsx"):
        return suffix  # type: ignore[return-value]
    if suffix in ("ndjson", "jsonlines"):
        return "jsonl"
    if sample.startswith(b"PK\x03\x04"):
        return "xlsx"
    text = sample.lstrip(codecs.BOM_UTF8).lstrip()
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        return "jsonl"
    return "csv"


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) when the sample decodes as such; else Windows-1252."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        cut = len(sample) == SAMPLE_BYTES and error.reason == "unexpected end of data"
        if not cut:  # (a character cut in two by the end of the sample is still UTF-8)
            return "cp1252"
    return "utf-8"


def detect_delimiter(first_line: str, sample: str = "") -> str:
    """The candidate that splits the header into the most fields, outside quotes. A
    one-column file: a candidate the sample never uses, so no row is split."""
    best, best_count = ",", 0
    for candidate in DELIMITERS:
        count = len(next(csv.reader([first_line], delimiter=candidate), []))
        if count > best_count:
            best, best_count = candidate, count
    if best_count <= 1:
        return next((c for c in DELIMITERS if c not in sample), best)
    return best


def open_rows(
    path: Path,
    *,
    format: Format | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> Source:
    handle = path.open("rb")
    try:
        sample = handle.read(SAMPLE_BYTES)
        handle.seek(0)
        size = path.stat().st_size
        fmt = format or detect_format(path, sample)
        if fmt == "xlsx":
            handle.close()
            return _xlsx(path, size)
        enc = encoding or detect_encoding(sample)
        text = io.TextIOWrapper(handle, encoding=enc, errors="replace", newline="")
        if fmt in ("csv", "tsv"):
            tab = "\t" if fmt == "tsv" else None
            head = sample.decode(enc, errors="replace")
            return _csv(text, handle, fmt, delimiter or tab, enc, size, head)
        if fmt == "jsonl":
            return _jsonl(text, handle, enc, size)
        return _json_array(text, handle, enc, size)
    except BaseException:
        handle.close()
        raise


def _csv(
    text: io.TextIOWrapper,
    handle: IO[bytes],
    fmt: Format,
    delimiter: str | None,
    enc: str,
    size: int,
    sample: str,
) -> Source:
    first = text.readline()
    if not first.strip():
        raise ReadError("The file is empty or its first line (the header) is blank.")
    delimiter = delimiter or detect_delimiter(first, sample)
    header = next(csv.reader([first], delimiter=delimiter))
    columns = _unique([h.strip() for h in header])

    rows = _csv_rows(_lines(text), columns, delimiter, first_line=2)  # the header was line 1
    return Source(fmt, columns, rows, enc, delimiter, size, handle, text)


class _Lines:
    """The lines the csv reader takes, kept per record (``raw``), with lines given back read
    again; ``number`` is the count taken and not given back."""

    __slots__ = ("back", "lines", "number", "raw")

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.back: list[str] = []  # a stack: the next line last
        self.raw: list[str] = []
        self.number = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.back.pop() if self.back else next(self.lines)
        self.number += 1
        self.raw.append(line)
        return line

    def give_back(self, lines: list[str]) -> None:
        self.back.extend(reversed(lines))
        self.number -= len(lines)


def _broken_quoting(raw: list[str], delimiter: str) -> bool:
    """Whether a record read over several lines is a quote never closed (or closed only by
    a later row's quote) rather than a quoted field with line breaks: then its quote
    characters are odd in number, or the strict reading of its text fails."""
    if sum(line.count('"') for line in raw) % 2:
        return True
    try:
        return len(list(csv.reader(raw, delimiter=delimiter, strict=True))) != 1
    except csv.Error:
        return True


def _csv_rows(
    lines: Iterator[str], columns: list[str], delimiter: str, *, first_line: int
) -> Iterator[Row]:
    taken = _Lines(lines)
    reader = csv.reader(taken, delimiter=delimiter, strict=False)
    while True:
        start = first_line + taken.number
        taken.raw = []
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Row(start, error=f"unreadable CSV: {error}")
            continue
        raw = taken.raw
        if len(raw) > 1 and _broken_quoting(raw, delimiter):
            # Report the row, and read the lines its quote swallowed as the rows they are.
            yield Row(
                start,
                error=(
                    'has a quote (") that is never closed, so it swallowed the line after '
                    "it: fix the quoting of this row"
                ),
                original=[raw[0].rstrip("\r\n")],
            )
            taken.give_back(raw[1:])
            continue
        if not record or all(not cell.strip() for cell in record):
            continue  # blank lines are not rows
        yield _record(start, record, columns, delimiter)


def _lines(text: io.TextIOWrapper) -> Iterator[str]:
    """Lines with NUL bytes removed (the csv module refuses them; Excel exports have them)."""
    for line in text:
        yield line.replace("\0", "") if "\0" in line else line


def _record(line: int, record: list[str], columns: list[str], delimiter: str) -> Row:
    original = record
    if len(record) == 1 and len(columns) > 1 and delimiter in record[0]:
        # The whole row was wrapped in quotes: read its inside as the row.
        try:
            record = next(csv.reader(record[0].splitlines(), delimiter=delimiter))
        except (csv.Error, StopIteration) as error:
            return Row(line, error=f"unreadable CSV: {error}", original=original)
    if len(record) > len(columns):
        extra = record[len(columns) :]
        if any(cell.strip() for cell in extra):
            return Row(
                line,
                error=f"has {len(record)} fields but the header has {len(columns)}",
                original=original,
            )
        record = record[: len(columns)]
    values = dict(zip(columns, record, strict=False))  # short rows: missing cells are blank
    return Row(line, values, original=original)


def _unique(names: list[str]) -> list[str]:
    """Column names made unique ("Phone", "Phone" -> "Phone", "Phone (2)")."""
    seen: dict[str, int] = {}
    result = []
    for index, name in enumerate(names):
        name = name or f"column {index + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        result.append(name)
    return result


def _without_nul(value: Any) -> Any:
    """Strings without NUL characters (PostgreSQL cannot store them), all the way down."""
    if isinstance(value, str):
        return value.replace("\0", "")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    return value


def _objects(line: int, value: Any, raw: str) -> Row:
    if not isinstance(value, dict):
        return Row(line, error="is not a JSON object", original=raw[:10_000])
    if "\\u0000" in raw.lower():
        value = _without_nul(value)
    return Row(line, {str(k): v for k, v in value.items()}, original=raw)


def _jsonl(text: io.TextIOWrapper, handle: IO[bytes], enc: str, size: int) -> Source:
    def rows() -> Iterator[Row]:
        for number, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                value = msgspec.json.decode(line)
            except msgspec.DecodeError as error:
                yield Row(number, error=f"is not valid JSON: {error}", original=line.rstrip("\r\n"))
                continue
            yield _objects(number, value, line.rstrip("\r\n"))

    return Source("jsonl", [], rows(), enc, None, size, handle, text)


def _json_array(text: io.TextIOWrapper, handle: IO[bytes], enc: str, size: int) -> Source:
    """Stream the elements of a top-level JSON array without loading the whole file."""
    decoder = json.JSONDecoder()

    def rows() -> Iterator[Row]:
        buffer = ""
        position = 0
        started = False
        record = 0
        eof = False
        while True:
            if not eof and len(buffer) - position < 1 << 16:
                chunk = text.read(1 << 20)
                eof = not chunk
                buffer = buffer[position:] + chunk
                position = 0
            while position < len(buffer) and buffer[position] in " \t\r\n,":
                position += 1
            if not started:
                if position < len(buffer) and buffer[position] == "\ufeff":
                    position += 1
                    continue
                if position >= len(buffer):
                    if eof:
                        return
                    continue
                if buffer[position] != "[":
                    yield Row(1, error="the file is not a JSON array")
                    return
                started = True
                position += 1
                continue
            if position >= len(buffer):
                if eof:
                    yield Row(record + 1, error="the JSON array is not closed")
                    return
                continue
            if buffer[position] == "]":
                return
            try:
                value, end = decoder.raw_decode(buffer, position)
            except json.JSONDecodeError as error:
                if not eof:
                    chunk = text.read(1 << 20)
                    eof = not chunk
                    buffer = buffer[position:] + chunk
                    position = 0
                    continue
                record += 1
                yield Row(record, error=f"is not valid JSON: {error.msg}")
                return
            record += 1
            yield _objects(record, value, buffer[position:end])
            position = end

    return Source("json", [], rows(), enc, None, size, handle, text)


def _xlsx(path: Path, size: int) -> Source:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise ReadError("Reading .xlsx files needs the openpyxl package.") from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any failure to open is the file's fault
        raise ReadError(f"The file is not a readable .xlsx workbook ({error}).") from None
    sheet = book.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    header = next(cells, None)
    if header is None:
        book.close()
        raise ReadError("The workbook's first sheet is empty.")
    columns = _unique(["" if h is None else str(h).strip() for h in header])

    def rows() -> Iterator[Row]:
        try:
            for number, record in enumerate(cells, start=2):
                if record is None or all(c is None or str(c).strip() == "" for c in record):
                    continue
                text = ["" if c is None else _cell(c) for c in record]
                yield _record(number, text, columns, "\t")
        finally:
            book.close()

    return Source("xlsx", columns, rows(), None, None, size, None)


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers stored as numbers
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10] if getattr(value, "hour", 0) == 0 else str(value)
    return str(value)
