"""`docs/migrating.md` covers every public name of BrainPy's `bp`, `bp.dyn` and `bm`:
its tables are the ones `tests/data/brainpy_names/table.py` makes from the recorded
list, every recorded name is in them, and every eqbrain, JAX or Equinox name they give
exists (and is not a deprecated alias)."""

from __future__ import annotations

import importlib
import importlib.util
import pathlib
import re
import warnings
from typing import Any

import pytest

DATA = pathlib.Path(__file__).resolve().parent / "data" / "brainpy_names"


def _load_table() -> Any:
    spec = importlib.util.spec_from_file_location("brainpy_names_table", DATA / "table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


table = _load_table()

NAMES = table.names()
DOC = table.DOC.read_text()
ROOTS = {"eqbrain": "eqbrain", "jnp": "jax.numpy", "jax": "jax", "eqx": "equinox", "np": "numpy"}


def _block() -> str:
    start, end = DOC.index(table.START), DOC.index(table.END) + len(table.END)
    return DOC[start:end]


def _resolve(dotted: str) -> object:
    root, *attrs = dotted.split(".")
    obj: object = importlib.import_module(ROOTS[root])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a deprecated alias warns: refused
        for i, attr in enumerate(attrs):
            try:
                obj = getattr(obj, attr)
            except AttributeError:
                module = ".".join([ROOTS[root], *attrs[: i + 1]])
                obj = importlib.import_module(module)
    return obj


def test_the_list_is_sorted_unique_and_of_the_three_namespaces():
    assert NAMES == sorted(set(NAMES))
    assert {n.rpartition(".")[0] for n in NAMES} == {"bp", "bp.dyn", "bm"}
    assert len(NAMES) > 700


def test_the_docs_hold_the_generated_tables():
    assert _block() == table.render(NAMES), (
        "docs/migrating.md's BrainPy name tables are stale: run "
        "`python tests/data/brainpy_names/table.py`"
    )


def test_every_brainpy_name_is_in_the_table():
    cells = set(re.findall(r"`((?:bp|bm)\.[\w.]+)`", _block()))
    missing = [n for n in NAMES if n not in cells]
    assert not missing, f"not in docs/migrating.md: {missing}"


def test_every_row_names_only_recorded_brainpy_names():
    listed = [n for row in table.ROWS for n in row[0]]
    assert len(listed) == len(set(listed)), "a BrainPy name is in two rows"
    stale = sorted(set(listed) - set(NAMES))
    assert not stale, f"rows name what BrainPy does not have: {stale}"


def _targets() -> list[str]:
    out = []
    for group, target, _ in table.rows(NAMES):
        if "<name>" in target:
            prefix = target.strip("`").replace("<name>", "")
            out += [prefix + n.rpartition(".")[2] for n in group]
        else:
            for code in re.findall(r"`([^`]+)`", target):
                m = re.match(r"(eqbrain|jnp|jax|eqx|np)(\.\w+)+", code)
                if m:
                    out.append(m.group(0))
    return sorted(set(out))


@pytest.mark.parametrize("dotted", _targets())
def test_every_name_the_table_gives_exists(dotted):
    _resolve(dotted)


def test_an_unknown_brainpy_name_is_refused_with_what_to_do():
    with pytest.raises(LookupError, match=r"no row for \['bm.not_a_name'\]: add them to ROWS"):
        table.rows([*NAMES, "bm.not_a_name"])


def test_a_row_never_hides_a_name_eqbrain_keeps():
    import eqbrain

    hidden = []
    for group, target, _ in table.ROWS:
        for full in group:
            ns, _, name = full.rpartition(".")
            mine = f"eqbrain.dyn.{name}" if ns == "bp.dyn" else f"eqbrain.{name}"
            home = eqbrain.dyn if ns == "bp.dyn" else eqbrain
            same = name in home.__all__ and full not in table.NOT_THE_SAME
            if same and f"`{mine}`" not in target:
                hidden.append(full)
    assert not hidden, (
        f"eqbrain now has {hidden} under the same name: remove them from ROWS in "
        "tests/data/brainpy_names/table.py (or give the eqbrain name in their row, or list "
        "them in NOT_THE_SAME when eqbrain's is another thing)"
    )


def test_names_of_another_meaning_have_their_own_rows():
    listed = {n for row in table.ROWS for n in row[0]}
    assert table.NOT_THE_SAME <= listed
