"""The parity table at the top of docs/migrating.md adds up: its total row is the sum
of the rows above it, and no row passes more cases than it has in scope."""

from __future__ import annotations

import pathlib
import re

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "migrating.md"
HEAD = "| BrainPy package | in scope | pass in eqbrain | listed differences |"


def _rows() -> list[list[str]]:
    lines = DOC.read_text().splitlines()
    start = lines.index(HEAD) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def _first_int(cell: str) -> int:
    found = re.search(r"\d+", cell.replace("*", ""))
    assert found, f"no number in table cell {cell!r}"
    return int(found.group())


def test_the_total_row_is_the_sum_of_the_rows():
    *rows, total = _rows()
    assert total[0] == "**total**"
    scope = sum(_first_int(r[1]) for r in rows)
    passed = sum(_first_int(r[2]) for r in rows)
    listed = sum(_first_int(r[3]) for r in rows)
    assert (_first_int(total[1]), _first_int(total[2]), _first_int(total[3])) == (
        scope,
        passed,
        listed,
    )
    share = re.search(r"\((\d+\.\d)%", total[2])
    assert share and float(share.group(1)) == round(100 * passed / scope, 1)


def test_no_row_passes_more_than_it_has_in_scope():
    *rows, _ = _rows()
    for row in rows:
        assert _first_int(row[2]) <= _first_int(row[1]), row[0]
