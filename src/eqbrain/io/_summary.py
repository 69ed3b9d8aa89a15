"""`summary(model)`: a table of every node and Variable of a model, with totals."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .._core import TrainVar, Variable, array_entries, walk

if TYPE_CHECKING:
    from .._core import Module

_COLUMNS = ("path", "class", "shape", "dtype", "params", "bytes", "trainable")


@dataclass(frozen=True)
class SummaryRow:
    """One line of a `Summary`: a node (`kind='node'`) or a Variable (`kind='var'`)."""

    kind: str
    path: str
    cls: str
    shape: tuple[int, ...] | None = None
    dtype: str = ""
    params: int = 0
    nbytes: int = 0
    trainable: bool = False
    shared_with: str | None = None


def _human(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    raise AssertionError  # unreachable


class Summary:
    """What `eqbrain.summary` returns: `str()` is a text table, `_repr_html_` an HTML one.

    `rows` lists every node and Variable; `total_params`, `total_bytes` and
    `trainable_params` count each Variable once, however many paths hold it.
    """

    def __init__(self, name: str, rows: list[SummaryRow]):
        self.name = name
        self.rows = rows
        unique = [r for r in rows if r.kind == "var" and r.shared_with is None]
        self.total_params = sum(r.params for r in unique)
        self.total_bytes = sum(r.nbytes for r in unique)
        self.trainable_params = sum(r.params for r in unique if r.trainable)
        self.n_nodes = sum(r.kind == "node" for r in rows)
        self.n_variables = len(unique)

    def _cells(self, r: SummaryRow) -> tuple[str, ...]:
        if r.kind == "node":
            return (r.path, r.cls, "", "", "", "", "")
        shape = "[" + ",".join(map(str, r.shape or ())) + "]"
        if r.shared_with is not None:
            return (r.path, r.cls, shape, r.dtype, f"(= {r.shared_with})", "", "")
        return (
            r.path,
            r.cls,
            shape,
            r.dtype,
            f"{r.params:,}",
            f"{r.nbytes:,}",
            "yes" if r.trainable else "no",
        )

    def _totals(self) -> str:
        return (
            f"Total: {self.total_params:,} params ({_human(self.total_bytes)}) in "
            f"{self.n_variables} Variables and {self.n_nodes} nodes; trainable: "
            f"{self.trainable_params:,} params."
        )

    def __str__(self) -> str:
        body = [self._cells(r) for r in self.rows]
        widths = [max(len(c) for c in col) for col in zip(_COLUMNS, *body)]
        right = {4, 5}  # numbers align right

        def line(cells):
            return "  ".join(
                c.rjust(w) if i in right else c.ljust(w)
                for i, (c, w) in enumerate(zip(cells, widths))
            ).rstrip()

        rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
        return "\n".join(
            [f"Summary of {self.name}", line(_COLUMNS), rule]
            + [line(b) for b in body]
            + [rule, self._totals()]
        )

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        esc = html.escape
        head = "".join(f"<th>{esc(c)}</th>" for c in _COLUMNS)
        rows = []
        for r in self.rows:
            cells = "".join(f"<td>{esc(c)}</td>" for c in self._cells(r))
            style = ' style="font-weight:bold"' if r.kind == "node" else ""
            rows.append(f"<tr{style}>{cells}</tr>")
        return (
            f"<table><caption>Summary of {esc(self.name)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
            f"<tfoot><tr><td colspan={len(_COLUMNS)}>{esc(self._totals())}</td></tr>"
            "</tfoot></table>"
        )


def summary(model: Module) -> Summary:
    """A table of every node and Variable of `model`, with totals.

    Each node is listed once, by its relative path (the root as `(root)`), followed by
    its own Variables with class, shape, dtype, parameter count, bytes and whether
    they are trainable. A Variable held under several paths is counted once; later
    paths say which path it equals.

    **Arguments:**

    - `model`: an `eqbrain.Module`.

    **Returns:** a `Summary`; `print(...)` it for the text table, or let a notebook
    render it as HTML.

    ```python
    print(eqbrain.summary(net))
    ```
    """
    rows: list[SummaryRow] = []
    seen: dict[int, str] = {}
    for path, node, own in walk(model):
        label = path or "(root)"
        rows.append(SummaryRow("node", label, f"{type(node).__name__} {node.name!r}"))
        prefix = path + "." if path else ""
        # Its Variables, then the plain arrays it holds (Equinox layers' weights): state
        # too, trained when floating point.
        cells = list(own) + array_entries(node)
        for key, var in cells:
            vpath = prefix + key
            value = var.raw_value
            shape = tuple(np.shape(value))
            dtype = np.dtype(value.dtype)
            params = int(np.prod(shape))
            rows.append(
                SummaryRow(
                    "var",
                    vpath,
                    type(var).__name__ if isinstance(var, Variable) else "array",
                    shape,
                    dtype.name,
                    params,
                    params * dtype.itemsize,
                    isinstance(var, TrainVar)
                    or (not isinstance(var, Variable) and np.issubdtype(dtype, np.inexact)),
                    seen.get(id(var)),
                )
            )
            seen.setdefault(id(var), vpath)
    return Summary(model.name, rows)
