"""Hypothesis strategies: dtypes, arrays, Variables, model specs and values for a model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .._core import Module, Parameter, TrainVar, Variable, state_entries
from ._build import build

__all__ = [
    "arrays",
    "jax_dtypes",
    "model_specs",
    "models",
    "values_for",
    "variables",
]

_STANDARD = (
    "bool",
    "int8",
    "int16",
    "int32",
    "uint8",
    "uint16",
    "uint32",
    "float16",
    "bfloat16",
    "float32",
    "complex64",
)
_WIDE = ("int64", "uint64", "float64")  # with 64-bit types on
# Held by JAX, but not by every round trip: safetensors has no complex128, and of the
# narrow types names only float8_e4m3fn and float8_e5m2, which `eqx.tree_serialise_leaves`
# cannot read back.
_WIDE_EXOTIC = ("complex128",)
_EXOTIC = (
    "int2",
    "int4",
    "uint2",
    "uint4",
    "float4_e2m1fn",
    "float8_e3m4",
    "float8_e4m3",
    "float8_e4m3b11fnuz",
    "float8_e4m3fn",
    "float8_e4m3fnuz",
    "float8_e5m2",
    "float8_e5m2fnuz",
    "float8_e8m0fnu",
)
_VARIABLES = {"Variable": Variable, "TrainVar": TrainVar, "Parameter": Parameter}


def jax_dtypes(exotic: bool = False) -> tuple[str, ...]:
    """The names of the dtypes JAX holds now that every round trip of `CHECKS` holds
    (64-bit ones only with `jax_enable_x64`); with `exotic=True`, every dtype JAX holds
    now: `complex128` too, which safetensors lacks, and the 2-, 4- and 8-bit float and
    integer types, which `eqx.tree_serialise_leaves` cannot read back and safetensors
    holds two of (`float8_e4m3fn`, `float8_e5m2`).

    ```python
    jax_dtypes()   # ('bool', 'int8', ..., 'float32', 'complex64') without 64-bit types
    ```
    """
    x64 = jax.config.read("jax_enable_x64")
    names = _STANDARD + (_WIDE if x64 else ())
    if exotic:
        names += (_WIDE_EXOTIC if x64 else ()) + tuple(n for n in _EXOTIC if hasattr(jnp, n))
    return names


def shapes(max_dims: int = 3, max_side: int = 3) -> st.SearchStrategy[tuple[int, ...]]:
    """Array shapes up to `max_dims` axes of 0 to `max_side` elements (zero-size too)."""
    return st.lists(st.integers(0, max_side), max_size=max_dims).map(tuple)


def arrays(dtype: str, shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
    """NumPy arrays of `dtype` (a name from `jax_dtypes`, or any NumPy dtype) and `shape`,
    with every kind of value the dtype holds: NaN, infinities, -0.0, extremes.

    ```python
    data.draw(arrays("bfloat16", (2, 0)))
    ```
    """
    dt = np.dtype(getattr(ml_dtypes, dtype, dtype))
    if dt.kind in "biufc" and dt.type.__module__ == "numpy":
        return hnp.arrays(dt, shape)
    # ml_dtypes' types (bfloat16, float8, int4, ...): drawn in a NumPy type and cast.
    if "int" in dt.name:
        info = ml_dtypes.iinfo(dt)
        source = hnp.arrays(np.int32, shape, elements=st.integers(int(info.min), int(info.max)))
    else:
        limit = float(ml_dtypes.finfo(dt).max)
        source = hnp.arrays(
            np.float32,
            shape,
            elements=st.floats(-limit, limit, width=32) | st.sampled_from([np.nan, np.inf]),
        )
    return source.map(lambda a: a.astype(dt))


@st.composite
def variables(
    draw: st.DrawFn,
    dtypes: Sequence[str] | None = None,
    kinds: Sequence[str] = ("Variable", "TrainVar", "Parameter"),
    max_dims: int = 3,
    max_side: int = 3,
) -> Variable:
    """Variables of every kind, dtype (default `jax_dtypes(exotic=True)`: every dtype
    JAX holds now) and shape (zero-size axes included), with a batch axis and axis names
    or not.

    ```python
    @given(eqbrain.testing.variables())
    def test_state_dict_round_trip(v): ...
    ```
    """
    dtype = draw(st.sampled_from(tuple(dtypes or jax_dtypes(exotic=True))))
    shape = draw(shapes(max_dims, max_side))
    value = jnp.asarray(draw(arrays(dtype, shape)))
    cls = _VARIABLES[draw(st.sampled_from(tuple(kinds)))]
    batch_axis = draw(st.none() | st.integers(0, len(shape) - 1)) if shape else None
    names = None
    if shape and draw(st.booleans()):
        names = tuple(draw(st.sampled_from([None, "batch", "hidden"])) for _ in shape)
    return cls(value, batch_axis=batch_axis, axis_names=names)


# -- model specs ------------------------------------------------------------------------

STYLES = ("fields", "init", "bare")
LAYERS = ("linear", "layernorm", "mlp", "conv1d")


def _var_specs(dtypes: Sequence[str]) -> st.SearchStrategy[tuple]:
    return st.tuples(
        st.sampled_from(tuple(_VARIABLES)),
        st.sampled_from(tuple(dtypes)),
        shapes(2, 3),
        st.booleans(),  # batched: the first axis is the batch axis (if there is one)
    )


def _leaf_fields(dtypes: Sequence[str], numpy_dtypes: Sequence[str], ties: bool, layers: bool):
    var = _var_specs(dtypes)
    leaves = [
        var.map(lambda v: ("variable", v)),
        st.tuples(st.just("array"), st.just("jax"), st.sampled_from(tuple(dtypes)), shapes(2, 3)),
        st.lists(var, min_size=1, max_size=2).map(lambda vs: ("varlist", vs)),
        st.lists(var, min_size=1, max_size=2).map(lambda vs: ("vardict", vs)),
        st.lists(var, min_size=1, max_size=2).map(lambda vs: ("tuple", vs)),
        st.integers(-3, 3).map(lambda i: ("static", i)),
    ]
    if numpy_dtypes:
        np_types = st.sampled_from(tuple(numpy_dtypes))
        leaves.append(st.tuples(st.just("array"), st.just("numpy"), np_types, shapes(2, 3)))
        leaves.append(np_types.map(lambda d: ("scalar", d)))
    if layers:
        leaves.append(st.sampled_from(LAYERS).map(lambda name: ("layer", name)))
    if ties:
        leaves.append(st.integers(0, 20).map(lambda i: ("tie", i)))
        leaves.append(var.map(lambda v: ("twice", v)))
    return leaves


def _module_specs(depth: int, max_depth: int, fan_out: int, names: bool, leaves: list, ties: bool):
    style = st.sampled_from(STYLES)
    if depth < max_depth:
        sub = st.deferred(
            lambda: _module_specs(depth + 1, max_depth, fan_out, names, leaves, ties)
        )
        nodes = [
            sub.map(lambda m: ("module", m)),
            st.lists(sub, min_size=1, max_size=2).map(lambda ms: ("nodelist", ms)),
            st.lists(sub, min_size=1, max_size=2).map(lambda ms: ("nodedict", ms)),
        ]
        if ties:
            nodes.append(st.integers(0, 20).map(lambda i: ("tie_module", i)))
            nodes.append(sub.map(lambda m: ("twice_module", m)))
        field = st.one_of(*leaves, *nodes)
    else:
        field = st.one_of(*leaves)
    named = st.booleans() if names else st.just(False)
    return st.fixed_dictionaries(
        {"style": style, "named": named, "fields": st.lists(field, max_size=fan_out)}
    ).map(_no_bare_name)


def _no_bare_name(spec: dict) -> dict:
    # A module whose __init__ never calls super().__init__() cannot take a name.
    return {**spec, "named": False} if spec["style"] == "bare" else spec


def model_specs(
    max_depth: int = 2,
    fan_out: int = 4,
    dtypes: Sequence[str] | None = None,
    numpy_dtypes: Sequence[str] = ("float32", "float64", "int32", "int64", "bool"),
    ties: bool = True,
    names: bool = True,
    layers: bool = True,
) -> st.SearchStrategy[dict]:
    """Specs of models (plain data, which shrinks well): nested modules up to
    `max_depth`, up to `fan_out` fields each, built by `build(spec, seed)`.

    A spec is `{"style": ..., "named": bool, "fields": [...]}`; `style` is one of the
    three ways to write `__init__`: `"fields"` (the generated one), `"init"` (a custom
    one calling `super().__init__(name=name)`), `"bare"` (a custom one that does not).
    Fields are Variables of every kind (`dtypes`, default `jax_dtypes()`, batched or
    not, zero-size axes too), JAX and NumPy arrays and NumPy scalars (`numpy_dtypes`,
    64-bit ones too), static fields, Equinox layers (`layers`), submodules, `NodeList`,
    `NodeDict`, `VarList`, `VarDict` and tuples, explicitly named modules (`names`) and
    ties (`ties`): a Variable or module held again in another place (`("tie", i)`,
    `("tie_module", i)`: the `i`-th one built before, modulo their number), or twice in
    one container (`("twice", variable)`, `("twice_module", module)`).

    ```python
    @given(eqbrain.testing.model_specs(), st.integers(0, 99))
    def test_twins(spec, seed):
        assert_round_trip(build(spec, seed))
    ```
    """
    dtypes = tuple(dtypes or jax_dtypes())
    leaves = _leaf_fields(dtypes, numpy_dtypes, ties, layers)
    return _module_specs(0, max_depth, fan_out, names, leaves, ties)


def models(**kwargs: Any) -> st.SearchStrategy[Module]:
    """Models built from `model_specs(**kwargs)` with a drawn seed (`build(spec, seed)`);
    they shrink as their specs do.

    ```python
    @given(eqbrain.testing.models(max_depth=1))
    def test_round_trips(model):
        assert_round_trip(model)
    ```
    """
    return st.tuples(model_specs(**kwargs), st.integers(0, 2**16)).map(lambda t: build(*t))


# -- values for a model -----------------------------------------------------------------


@st.composite
def values_for(draw: st.DrawFn, model: Any) -> dict[str, np.ndarray]:
    """New values for everything `model` holds, `{relative_key: array}` of each entry's
    shape and dtype (a Variable's batch axis may change size), one value per cell: a
    Variable held in two places gets one value under both keys. Write them with
    `load_values`.

    ```python
    values = data.draw(values_for(model))
    load_values(model, values)
    ```
    """
    out: dict[str, np.ndarray] = {}
    drawn: dict[Any, np.ndarray] = {}
    for key, entry in state_entries(model):
        cell = id(entry) if isinstance(entry, Variable) else (id(entry.owner), entry.key)
        if cell not in drawn:
            dtype = np.dtype(entry.dtype)
            drawn[cell] = draw(arrays(dtype.name, tuple(entry.shape)))
        out[key] = drawn[cell]
    return out
