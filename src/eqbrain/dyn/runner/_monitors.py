"""Monitors: what a runner records each step, parsed from BrainPy's forms; `Monitors`.

BrainPy's `monitors=` forms, all accepted:

- a list of paths, each optionally with an index: `["V", ("spike", [1, 3]), ("V", 0)]`;
- a dict naming each record: `{"v": net.V, "v0": (net.V, 0), "s": "E.spike",
  "f": lambda: net.V[:2]}`;
- a function of no argument (BrainPy's) or of the model (`lambda net: ...`).
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jax.tree_util as jtu
import numpy as np

from ..._core import Variable
from ._errors import MonitorError, add_note

_UNKNOWN_MSG = """\
Unknown {what} {key!r}: it is not a Variable of {model}.{hint} Name a Variable by its \
path from the model (`model.vars(method="relative")` lists them: {known}), by its \
absolute name (`{model}.x`), or pass the Variable itself."""

_FORM_MSG = """\
monitors must be a list of paths (`["V", ("spike", [0, 2])]`) or a dict \
(`{{"v": net.V, "v0": (net.V, 0), "f": lambda: net.V[:2]}}`); {detail}"""


class Monitors(dict):
    """`runner.mon`: the records of the last run, by name, with attribute access.

    BrainPy's `DotDict`: `runner.mon.ts`, `runner.mon.V` and `runner.mon["E.spike"]`
    are the same kind of access (names with a dot need the item form).
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                f"runner.mon has no {name!r}; it holds {sorted(self)}. Names with a "
                "dot need the item form: `runner.mon['E.spike']`."
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __dir__(self):
        return [*super().__dir__(), *(k for k in self if k.isidentifier())]


# A pytree like a dict (its records are the leaves), so that a run inside a transform
# can return `runner.mon`.
jtu.register_pytree_with_keys(
    Monitors,
    lambda m: ([(jtu.DictKey(k), v) for k, v in m.items()], tuple(m)),
    lambda keys, values: Monitors(zip(keys, values)),
    flatten_func=lambda m: (list(m.values()), tuple(m)),
)


@dataclass(frozen=True, eq=False)
class Monitor:
    """One record: a Variable (optionally indexed along its first axis) or a function."""

    name: str
    var: Variable | None = None
    index: np.ndarray | None = None
    fn: Callable | None = None
    takes_model: bool = False

    def read(self, model: Any) -> Any:
        """This step's value; a function monitor's errors and results name the monitor."""
        if self.var is not None:
            value = self.var.value
            return value if self.index is None else value[self.index]
        assert self.fn is not None
        try:
            value = self.fn(model) if self.takes_model else self.fn()
        except Exception as e:
            add_note(e, f"(raised by the function of monitor {self.name!r})")
            raise
        for leaf in jtu.tree_leaves(value):
            if not is_numeric(leaf):
                raise MonitorError(
                    f"monitor {self.name!r}: its function returned {leaf!r} (a "
                    f"{type(leaf).__name__}), which is not a number or an array. A function "
                    "monitor returns the arrays (or a pytree of them) to record each step."
                )
        return value

    @property
    def batched(self) -> bool | None:
        """Whether the record has a batch axis (None: a function, not known)."""
        if self.var is None:
            return None
        return self.var.batch_axis is not None


def is_numeric(x: Any) -> bool:
    """Whether `x` is a number or an array of numbers or booleans (traced or not)."""
    if isinstance(x, bool | int | float | complex):
        return True
    dtype = getattr(x, "dtype", None)
    if dtype is None or not hasattr(x, "shape"):
        return False
    return np.issubdtype(dtype, np.number) or np.issubdtype(dtype, np.bool_)


class Resolver:
    """Finds a Variable of `model` by a path, as BrainPy's runner does (and more)."""

    def __init__(self, model: Any):
        self.model = model
        self._relative: dict | None = None
        self._absolute: dict | None = None

    def resolve(self, path: str, what: str = "monitor") -> Variable:
        """The Variable at `path`: relative or absolute key, attribute path or node name."""
        if self._relative is None:
            self._relative = dict(self.model.vars(method="relative"))
            self._absolute = dict(self.model.vars())
        assert self._absolute is not None
        if path in self._relative:
            return self._relative[path]
        if path in self._absolute:
            return self._absolute[path]
        found = _walk(self.model, path)
        if found is None:
            head, _, rest = path.partition(".")
            nodes = {n.name: n for n in self.model.nodes().unique().values()}
            if rest and head in nodes:
                found = _walk(nodes[head], rest)
        if isinstance(found, Variable):
            return found
        close = difflib.get_close_matches(path, list(self._relative), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        if found is not None:
            hint = f" It is a {type(found).__name__}, not a Variable." + hint
        raise MonitorError(
            _UNKNOWN_MSG.format(
                what=what,
                key=path,
                model=self.model.name,
                hint=hint,
                known=", ".join(self._relative) or "none",
            )
        )


def _walk(obj: Any, path: str) -> Any:
    for part in path.split("."):
        try:
            obj = getattr(obj, part)
        except (AttributeError, KeyError):
            return None
    return obj


def _index(index: Any, var: Variable | None, name: str) -> np.ndarray | None:
    if index is None:
        return None
    if isinstance(index, int | np.integer) and not isinstance(index, bool):
        index = np.array([index])
    else:
        try:
            index = np.asarray(index)
        except Exception as e:  # noqa: BLE001 - reported with the monitor's name
            raise MonitorError(f"monitor {name!r}: bad index {index!r} ({e}).") from None
    if index.dtype == bool or not np.issubdtype(index.dtype, np.integer) or index.ndim != 1:
        raise MonitorError(
            f"monitor {name!r}: an index must be an int or a 1-D list of ints along the "
            f"Variable's first axis, got {index!r}."
        )
    if var is not None:
        if var.ndim == 0:
            raise MonitorError(f"monitor {name!r}: a scalar Variable cannot be indexed.")
        n = var.shape[0]
        if index.size and (index.min() < -n or index.max() >= n):
            raise MonitorError(
                f"monitor {name!r}: index {index.tolist()} is out of range for the first "
                f"axis of {var.describe()} (length {n}). JAX would clamp it silently."
            )
    return index


def _function(name: str, fn: Callable) -> Monitor:
    try:
        params = [
            p
            for p in inspect.signature(fn).parameters.values()
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        params = []
    if len(params) > 1:
        raise MonitorError(
            f"monitor {name!r}: a function monitor takes no argument (BrainPy's "
            f"`lambda: net.V[:2]`) or the model (`lambda net: ...`); it takes {len(params)}."
        )
    return Monitor(name, fn=fn, takes_model=len(params) == 1)


def _target(resolver: Resolver, name: str, target: Any, index: Any) -> Monitor:
    var = target if isinstance(target, Variable) else resolver.resolve(target)
    return Monitor(name, var=var, index=_index(index, var, name))


def parse_monitors(model: Any, monitors: Any) -> list[Monitor]:
    """The monitors of `model` from any of BrainPy's `monitors=` forms."""
    if monitors is None:
        return []
    resolver = Resolver(model)
    if isinstance(monitors, str):
        monitors = [monitors]
    out: list[Monitor] = []
    if isinstance(monitors, list | tuple):
        for item in monitors:
            if isinstance(item, str):
                out.append(_target(resolver, item, item, None))
            elif isinstance(item, list | tuple) and 1 <= len(item) <= 2:
                if not isinstance(item[0], str):
                    raise MonitorError(
                        _FORM_MSG.format(
                            detail=f"a list entry `(path, index)` needs a str path, got {item!r}."
                        )
                    )
                out.append(_target(resolver, item[0], item[0], item[1] if len(item) > 1 else None))
            else:
                raise MonitorError(
                    _FORM_MSG.format(
                        detail=f"got the list entry {item!r}. A Variable or function "
                        "needs a name: use the dict form."
                    )
                )
    elif isinstance(monitors, Mapping):
        for name, value in monitors.items():
            if not isinstance(name, str):
                raise MonitorError(_FORM_MSG.format(detail=f"dict keys are names, got {name!r}."))
            if isinstance(value, Variable | str):
                out.append(_target(resolver, name, value, None))
            elif isinstance(value, list | tuple):
                if not (1 <= len(value) <= 2 and isinstance(value[0], Variable | str)):
                    raise MonitorError(
                        _FORM_MSG.format(
                            detail=f"{name!r} maps to {value!r}, expected "
                            "(Variable or path, index)."
                        )
                    )
                out.append(_target(resolver, name, value[0], value[1] if len(value) > 1 else None))
            elif callable(value):
                out.append(_function(name, value))
            else:
                raise MonitorError(
                    _FORM_MSG.format(
                        detail=f"{name!r} maps to a {type(value).__name__}, expected a "
                        "Variable, a path, (Variable or path, index) or a function."
                    )
                )
    else:
        raise MonitorError(_FORM_MSG.format(detail=f"got a {type(monitors).__name__}."))
    names = [m.name for m in out]
    if "ts" in names:
        raise MonitorError("'ts' is the runner's own record of the step times; rename it.")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise MonitorError(f"monitor names must be unique; {dupes} repeat.")
    return out
