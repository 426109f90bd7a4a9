from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialbook.imports.reader import open_rows

cell = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00\r"), max_size=30
)
key_characters = st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")
names = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=10)
    .map(str.strip)
    .filter(bool),
    min_size=1,
    max_size=6,
    unique=True,
)


def write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


@settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    names,
    st.lists(st.lists(cell, min_size=6, max_size=6), min_size=1, max_size=8),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_csv_round_trips(
    tmp_path: Path, header: list[str], rows: list[list[str]], delimiter: str, encoding: str
) -> None:
    rows = [r[: len(header)] for r in rows if any(c.strip() for c in r[: len(header)])]
    if encoding == "cp1252":
        try:
            "".join(header + [c for r in rows for c in r]).encode("cp1252")
        except UnicodeEncodeError:
            return
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path = write(tmp_path, "f.csv", buffer.getvalue().encode(encoding))
    with open_rows(path) as source:
        got = list(source.rows)
    assert source.columns == header
    assert [r.error for r in got] == [None] * len(rows)
    expected = [dict(zip(header, r, strict=True)) for r in rows]
    # A row of one cell holding the delimiter reads as a row wrapped in quotes: its inside.
    for want, row in zip(expected, got, strict=True):
        if not (
            len(header) > 1
            and sum(bool(v) for v in want.values()) == 1
            and delimiter in next(v for v in want.values() if v)
        ):
            assert row.values == want


@settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    st.lists(
        st.dictionaries(
            st.text(
                alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
                min_size=1,
                max_size=8,
            ),
            st.one_of(cell, st.integers(), st.booleans(), st.none()),
            max_size=5,
        ),
        max_size=10,
    )
)
def test_json_lines_and_arrays_round_trip(tmp_path: Path, records: list[dict[str, object]]) -> None:
    lines = write(tmp_path, "f.jsonl", "\n".join(json.dumps(r) for r in records).encode())
    array = write(tmp_path, "f.json", json.dumps(records, indent=1).encode())
    for path in (lines, array):
        with open_rows(path) as source:
            assert [r.values for r in source.rows] == records


def test_nul_characters_are_dropped_from_json(tmp_path: Path) -> None:
    path = write(tmp_path, "f.jsonl", b'{"name": "a\\u0000b", "tags": ["x\\u0000"]}\n')
    with open_rows(path) as source:
        assert [r.values for r in source.rows] == [{"name": "ab", "tags": ["x"]}]


def test_malformed_rows_are_row_errors_with_line_numbers(tmp_path: Path) -> None:
    data = 'name,phone\r\nAda,1\r\n"Bob,2"\r\nCy,3,extra\r\n\r\nDee,4\r\n'
    source = open_rows(write(tmp_path, "f.csv", data.encode()))
    rows = list(source.rows)
    assert [(r.line, r.values.get("name"), bool(r.error)) for r in rows] == [
        (2, "Ada", False),
        (3, "Bob", False),  # a whole row wrapped in quotes: its inside is the row
        (4, None, True),  # a field too many
        (6, "Dee", False),
    ]
    assert rows[2].error == "has 3 fields but the header has 2"


def test_an_unterminated_quote_is_an_error_row_not_a_crash(tmp_path: Path) -> None:
    data = 'name,phone\r\nAda,1\r\n"Bob,2\r\nCy,3\r\n'
    rows = list(open_rows(write(tmp_path, "f.csv", data.encode())).rows)
    assert rows[0].values == {"name": "Ada", "phone": "1"}
    # The broken row says so, and the lines its quote swallowed are read as their rows.
    assert (rows[1].line, rows[1].values) == (3, {})
    assert rows[1].error is not None
    assert "never closed" in rows[1].error
    assert (rows[2].line, rows[2].values) == (4, {"name": "Cy", "phone": "3"})
    assert len(rows) == 3


def test_bom_excel_and_nul(tmp_path: Path) -> None:
    source = open_rows(
        write(tmp_path, "f.csv", b"\xef\xbb\xbfName;Ville\r\nJos\xc3\xa9;Z\xc3\xbcrich\x00\r\n")
    )
    assert source.columns == ["Name", "Ville"]
    assert [r.values for r in source.rows] == [{"Name": "José", "Ville": "Zürich"}]
    latin = open_rows(write(tmp_path, "g.csv", "Name\tNote\nJosé\t50 €\n".encode("cp1252")))
    assert (latin.encoding, latin.delimiter) == ("cp1252", "\t")
    assert [r.values for r in latin.rows] == [{"Name": "José", "Note": "50 €"}]


def test_json_array_errors(tmp_path: Path) -> None:
    rows = list(open_rows(write(tmp_path, "f.json", b'[{"a": 1}, 5, {"b": ')).rows)
    assert rows[0].values == {"a": 1}
    assert rows[1].error == "is not a JSON object"
    assert rows[2].error is not None


def test_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["First Name", "Phone"])
    sheet.append(["Ada", 2404522332])
    sheet.append([None, None])
    sheet.append(["Bob", "(240) 452-2333"])
    book.save(tmp_path / "f.xlsx")
    source = open_rows(tmp_path / "f.xlsx")
    assert [r.values for r in source.rows] == [
        {"First Name": "Ada", "Phone": "2404522332"},
        {"First Name": "Bob", "Phone": "(240) 452-2333"},
    ]
