"""Assertions for a user's own tests: `assert_round_trip`, `assert_unchanged`, and the
values they compare (`values_of`, `load_values`)."""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np

from .._core import (
    Module,
    TrainVar,
    Variable,
    is_variable,
    load_checked,
    partition_trainable,
    state_entries,
    trainable_filter,
)
from ..io import load, read_state, save

__all__ = ["CHECKS", "assert_round_trip", "assert_unchanged", "load_values", "values_of"]

CHECKS = ("flatten", "serialise", "state_dict", "save", "partition", "filter_jit")
"""The round trips `assert_round_trip` makes, in order."""


def values_of(model: Module) -> dict[str, np.ndarray]:
    """Host copies of everything `model` holds, `{relative_key: array}`: every Variable
    and plain array (NumPy scalars as 0-d arrays), under every key that reaches it."""
    return {key: _host(entry.raw_value) for key, entry in state_entries(model)}


def load_values(model: Module, values: Mapping[str, Any], strict: bool = True) -> None:
    """Write `values` (`{relative_key: array}`, as `values_for` draws them) into `model`
    in place, all or nothing, as `eqbrain.load` writes a file's."""
    entries = state_entries(model)
    targets = dict(entries)
    provided = [(k, v, targets.get(k)) for k, v in values.items()]
    load_checked(entries, provided, model.name, False, strict)


def assert_round_trip(model: Module, checks: Sequence[str] = CHECKS) -> None:
    """Assert that every round trip of `model` gives every value back, bit for bit, under
    the same keys, and leaves `model` as it was. The `checks`, in `CHECKS`' order:

    - `"flatten"`: `jax.tree_util` flatten/unflatten (new cells, same keys);
    - `"serialise"`: `eqx.tree_serialise_leaves` / `tree_deserialise_leaves`;
    - `"state_dict"`: `load_state_dict` of other values, then of `state_dict()`, strict;
    - `"save"`: `eqbrain.save`, then `eqbrain.load` into a copy holding other values and
      into `model` itself, strict (the file's keys are the relative keys);
    - `"partition"`: `partition_trainable` / `eqx.combine`, and what `trainable_filter`
      trains is all saved;
    - `"filter_jit"`: the model returned by `eqx.filter_jit(lambda m: m)` has the same
      keys, its own cells, and the values JAX makes of the model's (NumPy values become
      JAX arrays, 64-bit ones 32-bit without 64-bit types, as in Equinox).

    ```python
    @given(eqbrain.testing.model_specs(), st.integers(0, 9))
    def test_my_model(spec, seed):
        assert_round_trip(MyNet(key=jax.random.key(seed)))
    ```
    """
    unknown = [c for c in checks if c not in _STEPS]
    if unknown:
        raise ValueError(f"Unknown round trips {unknown}: choose from {list(CHECKS)}.")
    before = _snapshot(model)
    for name in CHECKS:
        if name in checks:
            _STEPS[name](model)
    _same_snapshot(before, _snapshot(model), "the model after its round trips")


def assert_unchanged(
    model: Module,
    fn: Callable[[], Any],
    raises: type[BaseException] | tuple[type[BaseException], ...] = Exception,
    match: str | None = None,
) -> BaseException:
    """Assert that `fn()` raises `raises` (its message matching the regex `match`) and
    wrote nothing into `model`: the same cells, holding the same values of the same
    dtypes, in the same structure. Returns the exception.

    ```python
    err = assert_unchanged(net, lambda: net.load_state_dict(bad), eqbrain.MathError)
    ```
    """
    before = _snapshot(model)
    try:
        fn()
    except raises as e:
        if match is not None and not re.search(match, str(e)):
            raise AssertionError(f"{type(e).__name__} {str(e)!r} does not match {match!r}") from e
        error = e
    else:
        raise AssertionError(f"{fn!r} did not raise {raises!r}")
    _same_snapshot(before, _snapshot(model), f"after the failing call ({type(error).__name__})")
    return error


# -- comparing ----------------------------------------------------------------------------


def _host(x: Any) -> np.ndarray:
    return np.array(x, copy=True)


def _kind(x: Any) -> str:
    return "NumPy scalar" if isinstance(x, np.generic) else type(x).__name__


def _show(a: np.ndarray) -> str:
    text = np.array2string(a, threshold=8) if a.size <= 8 else f"[{a.size} values]"
    return f"{a.dtype}{list(a.shape)} {text}"


def _same(a: Any, b: Any) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _same_values(
    expected: Mapping[str, Any], got: Mapping[str, Any], what: str, types: bool = True
) -> None:
    assert list(got) == list(expected), (
        f"{what}: the keys {list(got)} differ from the model's {list(expected)}"
    )
    for key, want in expected.items():
        have = got[key]
        if types:
            assert _kind(have) == _kind(want), (
                f"{what}: {key!r} came back as a {_kind(have)}, not a {_kind(want)}"
            )
        assert _same(have, want), (
            f"{what}: {key!r} came back as {_show(np.asarray(have))}, "
            f"not {_show(np.asarray(want))}"
        )


def _raw(model: Any) -> dict[str, Any]:
    return {key: entry.raw_value for key, entry in state_entries(model)}


def _snapshot(model: Any) -> tuple[Any, list[tuple[str, int, str, np.ndarray]]]:
    """The structure, and per key its cell (a Variable's id), kind and host value."""
    entries = [
        (key, id(e) if isinstance(e, Variable) else 0, _kind(e.raw_value), _host(e.raw_value))
        for key, e in state_entries(model)
    ]
    return jtu.tree_structure(model), entries


def _same_snapshot(before: Any, after: Any, what: str) -> None:
    assert after[0] == before[0], f"{what}: the structure changed"
    keys = [k for k, *_ in before[1]]
    assert [k for k, *_ in after[1]] == keys, f"{what}: the keys changed"
    for (key, cell, kind, value), (_, cell2, kind2, value2) in zip(before[1], after[1]):
        assert cell2 == cell, f"{what}: the Variable at {key!r} was replaced"
        assert kind2 == kind, f"{what}: {key!r} is a {kind2} now, not a {kind}"
        assert _same(value2, value), (
            f"{what}: {key!r} holds {_show(value2)}, where it held {_show(value)}"
        )


def _bump_np(a: np.ndarray) -> np.ndarray:
    """Other values of the same dtype and shape (equal inputs give equal outputs)."""
    if a.dtype == np.bool_:
        out = ~a
    elif a.dtype.kind in "iu" or "int" in a.dtype.name:
        out = (a.astype(np.int64) + 1).astype(a.dtype)
    else:
        wide = a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            out = np.where(np.isfinite(wide), wide / 2 + 1, 0).astype(a.dtype)
    return np.asarray(out)  # NumPy makes 0-d results scalars


def _bump(x: Any) -> Any:
    if isinstance(x, np.generic):
        return _bump_np(np.asarray(x))[()]
    if isinstance(x, np.ndarray):
        return _bump_np(x)
    if isinstance(x, jax.Array):
        return jnp.asarray(_bump_np(np.asarray(x)))
    return x


def _bumped(model: Any) -> Any:
    """A functional copy of `model` (a cell per place) holding other values."""
    return jtu.tree_map(_bump, model)


# -- the round trips -----------------------------------------------------------------------


def _flatten(model: Any) -> None:
    leaves, treedef = jtu.tree_flatten(model)
    copy = jtu.tree_unflatten(treedef, leaves)
    assert jtu.tree_structure(copy) == treedef, "flatten/unflatten: the structure changed"
    _same_values(_raw(model), _raw(copy), "flatten/unflatten")
    assert list(copy.vars(method="relative")) == list(model.vars(method="relative"))
    _fresh_cells(model, copy, "flatten/unflatten")


def _fresh_cells(model: Any, copy: Any, what: str) -> None:
    old = {id(e) for _, e in state_entries(model) if isinstance(e, Variable)}
    shared = [k for k, e in state_entries(copy) if id(e) in old]
    assert not shared, f"{what}: the copy shares the model's cells at {shared}"


def _serialise(model: Any) -> None:
    buffer = io.BytesIO()
    eqx.tree_serialise_leaves(buffer, model)
    buffer.seek(0)
    back = eqx.tree_deserialise_leaves(buffer, _bumped(model))
    _same_values(_raw(model), _raw(back), "eqx.tree_serialise_leaves")


def _state_dict(model: Any) -> None:
    sd = {n: {k: _host(v) for k, v in d.items()} for n, d in model.state_dict().items()}
    other = {n: {k: _bump_np(v) for k, v in d.items()} for n, d in sd.items()}
    for state, what in ((other, "other values"), (sd, "the model's own")):
        result = model.load_state_dict(state, strict=True)
        assert result == ([], []), f"load_state_dict of {what}: {result}"
        now = model.state_dict()
        flat = {k: v for d in now.values() for k, v in d.items()}
        want = {k: v for d in state.values() for k, v in d.items()}
        _same_values(want, {k: flat[k] for k in want}, f"load_state_dict of {what}", False)


def _save(model: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.safetensors")
        save(path, model)
        keys = [k for k, _ in state_entries(model)]
        assert sorted(read_state(path)) == sorted(keys), "eqbrain.save: the file's keys differ"
        other = _bumped(model)
        assert load(path, other, strict=True) == ([], [])
        _same_values(_raw(model), _raw(other), "eqbrain.load into a copy")
        assert load(path, model, strict=True) == ([], [])


def _trained(x: Any) -> bool:
    return isinstance(x, TrainVar) if is_variable(x) else eqx.is_inexact_array(x)


def _partition(model: Any) -> None:
    trainable, rest = partition_trainable(model)
    combined = eqx.combine(trainable, rest)
    assert jtu.tree_structure(combined) == jtu.tree_structure(model), "partition/combine"
    _same_values(_raw(model), _raw(combined), "partition/combine")
    trained = sum(x is True for x in jtu.tree_leaves(trainable_filter(model)))
    saved = sum(
        _trained(e) if isinstance(e, Variable) else _trained(e.raw_value)
        for _, e in state_entries(model)
    )
    assert trained == saved, (
        f"trainable_filter trains {trained} arrays, of which the state holds {saved}: "
        "what is trained must be saved"
    )


def _filter_jit(model: Any) -> None:
    copy = eqx.filter_jit(lambda m: m)(model)
    want = {k: np.asarray(jnp.asarray(v)) for k, v in _raw(model).items()}
    _same_values(want, _raw(copy), "eqx.filter_jit(lambda m: m)", types=False)
    assert list(copy.vars(method="relative")) == list(model.vars(method="relative"))
    _fresh_cells(model, copy, "eqx.filter_jit(lambda m: m)")
    copy.vars()
    copy.state_dict()


_STEPS: dict[str, Callable[[Any], None]] = {
    "flatten": _flatten,
    "serialise": _serialise,
    "state_dict": _state_dict,
    "save": _save,
    "partition": _partition,
    "filter_jit": _filter_jit,
}
