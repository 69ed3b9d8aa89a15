"""Shared test helpers: the DESIGN.md example tree and random module trees."""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from types import ModuleType
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import strategies as st

import eqbrain


class C(eqbrain.Module):
    v: eqbrain.Variable
    w: eqbrain.TrainVar

    def __init__(self, name=None):
        super().__init__(name=name)
        self.v = eqbrain.Variable(jnp.zeros(2))
        self.w = eqbrain.TrainVar(jnp.ones(3))


class B(eqbrain.Module):
    c1: C
    c2: C
    lst: eqbrain.NodeList
    vl: eqbrain.VarList
    x: eqbrain.Variable

    def __init__(self, name=None):
        super().__init__(name=name)
        self.c1 = C()
        self.c2 = C()
        self.lst = eqbrain.NodeList([C()])
        self.vl = eqbrain.VarList([eqbrain.Variable(1.0)])
        self.x = eqbrain.Variable(jnp.zeros(1))


def make_b() -> B:
    """The DESIGN.md example with fresh auto names (B0, C0, C1, C2)."""
    eqbrain.clear_name_cache()
    return B()


def snapshot(model) -> list[tuple[int, np.ndarray]]:
    """(id, value copy) of every unique Variable: to show that nothing changed."""
    out = [(id(v), np.array(v.value)) for v in model.vars().unique().values()]
    # Plain arrays (array fields, Equinox layers' weights) are state too.
    out += [(k, np.array(x)) for d in model.state_dict().values() for k, x in d.items()]
    return out


def assert_unchanged(model, before) -> None:
    after = snapshot(model)
    assert [i for i, _ in after] == [i for i, _ in before]
    for (_, a), (_, b) in zip(after, before):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


# -- random module trees ------------------------------------------------------------------

DTYPES = ("float32", "int32", "bool", "float16")
_shapes = st.lists(st.integers(1, 3), min_size=0, max_size=2).map(tuple)
_var = st.tuples(st.sampled_from(["var", "train", "param"]), _shapes, st.sampled_from(DTYPES))


def _field(depth: int):
    leaves = [
        _var.map(lambda t: ("variable",) + t),
        st.lists(_var, min_size=1, max_size=2).map(lambda vs: ("varlist", vs)),
        st.lists(_var, min_size=1, max_size=2).map(lambda vs: ("vardict", vs)),
        st.integers(0, 50).map(lambda i: ("shared", i)),
        st.just(("array",)),
    ]
    if depth >= 2:
        return st.one_of(leaves)
    sub = st.deferred(lambda: _module(depth + 1))
    return st.one_of(
        *leaves,
        sub.map(lambda m: ("module", m)),
        st.lists(sub, min_size=1, max_size=2).map(lambda ms: ("nodelist", ms)),
    )


def _module(depth: int = 0):
    return st.lists(_field(depth), min_size=0, max_size=4)


module_specs = _module()
"""A hypothesis strategy of random module-tree specs (plain data); build with `build`."""


_VAR_CLS = {"var": eqbrain.Variable, "train": eqbrain.TrainVar, "param": eqbrain.Parameter}


def _value(rng: np.random.Generator, shape, dtype: str):
    if dtype == "bool":
        return jnp.asarray(rng.random(shape) > 0.5)
    if dtype == "int32":
        return jnp.asarray(rng.integers(-5, 5, shape), dtype=jnp.int32)
    return jnp.asarray(rng.normal(size=shape), dtype=dtype)


def build(spec, seed: int = 0):
    """Build a module tree from `spec`; equal specs give twins with other values."""
    rng = np.random.default_rng(seed)
    pool: list[eqbrain.Variable] = []

    def var(t):
        kind, shape, dtype = t
        v = _VAR_CLS[kind](_value(rng, shape, dtype))
        pool.append(v)
        return v

    def module(fields):
        values: dict[str, Any] = {}
        for i, f in enumerate(fields):
            kind, args = f[0], f[1:]
            if kind == "variable":
                values[f"f{i}"] = var(args)
            elif kind == "varlist":
                values[f"f{i}"] = eqbrain.VarList([var(t) for t in args[0]])
            elif kind == "vardict":
                values[f"f{i}"] = eqbrain.VarDict({f"k{j}": var(t) for j, t in enumerate(args[0])})
            elif kind == "shared":
                values[f"f{i}"] = (
                    pool[args[0] % len(pool)] if pool else var(("var", (2,), "float32"))
                )
            elif kind == "array":
                values[f"f{i}"] = jnp.asarray(rng.normal(size=(2,)), dtype=jnp.float32)
            elif kind == "module":
                values[f"f{i}"] = module(args[0])
            elif kind == "nodelist":
                values[f"f{i}"] = eqbrain.NodeList([module(m) for m in args[0]])
        cls = _class(tuple(values))
        return cls(**values)

    return module(spec)


_classes: dict[tuple[str, ...], type] = {}


def _class(fields: tuple[str, ...]) -> type:
    """One Module class per field list, so equal specs give equal classes."""
    if fields not in _classes:
        _classes[fields] = type(
            f"Rand{len(_classes)}",
            (eqbrain.Module,),
            {"__annotations__": dict.fromkeys(fields, Any)},
        )
    return _classes[fields]


def values_of(model) -> dict[str, np.ndarray]:
    return {k: np.asarray(v.value) for k, v in model.vars(method="relative").items()}


def leaves_equal(a, b) -> bool:
    la, lb = jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)
    return len(la) == len(lb) and all(
        np.asarray(x).dtype == np.asarray(y).dtype and np.array_equal(x, y) for x, y in zip(la, lb)
    )


ROOT = pathlib.Path(__file__).resolve().parents[1]


def load_script(relative: str, name: str | None = None) -> ModuleType:
    """Import a script of the repository (`examples/coba_ei_network.py`) as a module named
    `name` (default: after its file), registered in `sys.modules` (dataclasses such as
    `eqx.Module` look their module up there)."""
    path = ROOT / relative
    name = path.stem if name is None else name
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, path
    module = sys.modules[name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
