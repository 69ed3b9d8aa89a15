"""`build(spec, seed)`: a model from a spec of `model_specs`."""

from __future__ import annotations

import itertools
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import ml_dtypes
import numpy as np

from .._core import (
    Module,
    NodeDict,
    NodeList,
    Parameter,
    TrainVar,
    VarDict,
    Variable,
    VarList,
    name_scope,
)

__all__ = ["build"]

_VARIABLES = {"Variable": Variable, "TrainVar": TrainVar, "Parameter": Parameter}


def build(spec: dict, seed: int = 0) -> Module:
    """The model `spec` describes (see `model_specs`), its values drawn from `seed`.

    It is built in a fresh name scope (`name_scope`), so equal specs give *twins*: equal
    classes, structure and names (auto and explicit), and equal values for equal seeds.

    ```python
    a, b = build(spec, seed=0), build(spec, seed=1)   # twins with other values
    eqbrain.save(path, a); eqbrain.load(path, b, strict=True)
    ```
    """
    with name_scope():
        return _Builder(seed).module(spec)


class _Builder:
    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.keys = itertools.count(seed * 7919)
        self.variables: list[Variable] = []
        self.modules: list[Module] = []
        self.names = itertools.count()

    def module(self, spec: dict) -> Module:
        style = spec["style"]
        if style == "bare" and spec["named"]:
            raise ValueError(
                "A 'bare' module (its __init__ does not call super().__init__()) cannot "
                "take an explicit name: set 'named' to False or use style 'init'."
            )
        values = {f"f{i}": self.field(f) for i, f in enumerate(spec["fields"])}
        static = tuple(k for k, f in zip(values, spec["fields"]) if f[0] == "static")
        cls = module_class(style, tuple(values), static)
        name = f"n{next(self.names)}" if spec["named"] else None
        if style == "fields":
            module = cls(**values, name=name)
        elif style == "init":
            module = cls(values, name=name)
        else:
            module = cls(values)
        self.modules.append(module)
        return module

    def field(self, f: tuple) -> Any:
        kind = f[0]
        if kind == "variable":
            return self.variable(f[1])
        if kind == "array":
            _, backend, dtype, shape = f
            value = self.values(dtype, shape)
            return value if backend == "numpy" else jnp.asarray(value)
        if kind == "scalar":
            return self.values(f[1], ())[()]
        if kind == "static":
            return f[1]
        if kind == "layer":
            return self.layer(f[1])
        if kind == "module":
            return self.module(f[1])
        if kind == "nodelist":
            return NodeList([self.module(m) for m in f[1]])
        if kind == "nodedict":
            return NodeDict({f"k{j}": self.module(m) for j, m in enumerate(f[1])})
        if kind == "varlist":
            return VarList([self.variable(v) for v in f[1]])
        if kind == "vardict":
            return VarDict({f"k{j}": self.variable(v) for j, v in enumerate(f[1])})
        if kind == "tuple":
            return tuple(self.variable(v) for v in f[1])
        if kind == "twice":
            v = self.variable(f[1])
            return (v, v)
        if kind == "twice_module":
            m = self.module(f[1])
            return NodeList([m, m])
        if kind == "tie":
            if not self.variables:
                return self.variable(("Variable", "float32", (2,), False))
            return self.variables[f[1] % len(self.variables)]
        if kind == "tie_module":
            if not self.modules:
                return self.module({"style": "fields", "named": False, "fields": []})
            return self.modules[f[1] % len(self.modules)]
        raise ValueError(f"Unknown field kind {kind!r} in a model spec: {f!r}.")

    def variable(self, v: tuple) -> Variable:
        kind, dtype, shape, batched = v
        value = jnp.asarray(self.values(dtype, shape))
        var = _VARIABLES[kind](value, batch_axis=0 if batched and shape else None)
        self.variables.append(var)
        return var

    def values(self, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
        dt = np.dtype(getattr(ml_dtypes, dtype, dtype))
        rng = self.rng
        if dt == np.bool_:
            return rng.random(shape) > 0.5
        if dt.kind in "iu" or "int" in dt.name:
            info = ml_dtypes.iinfo(dt)
            low, high = max(int(info.min), -5), min(int(info.max), 5)
            return rng.integers(low, high, shape, endpoint=True).astype(dt)
        if dt.kind == "c":
            return (rng.normal(size=shape) + 1j * rng.normal(size=shape)).astype(dt)
        return rng.normal(size=shape).astype(dt)

    def layer(self, name: str) -> eqx.Module:
        key = jax.random.key(next(self.keys))
        if name == "linear":
            return eqx.nn.Linear(2, 3, key=key)
        if name == "layernorm":
            return eqx.nn.LayerNorm(3)
        if name == "mlp":
            return eqx.nn.MLP(2, 1, 3, 1, key=key)
        if name == "conv1d":
            return eqx.nn.Conv1d(1, 2, 3, key=key)
        raise ValueError(
            f"Unknown layer {name!r} in a model spec: use one of linear, layernorm, mlp, conv1d."
        )


_classes: dict[tuple, type] = {}


def module_class(style: str, fields: tuple[str, ...], static: tuple[str, ...]) -> type:
    """One class per style and field list, so that equal specs give equal classes."""
    key = (style, fields, static)
    cls = _classes.get(key)
    if cls is not None:
        return cls
    namespace: dict[str, Any] = {"__annotations__": dict.fromkeys(fields, Any)}
    for name in static:
        namespace[name] = eqx.field(static=True)
    if style == "init":

        def init_with_super(self: Any, values: dict[str, Any], name: str | None = None) -> None:
            Module.__init__(self, name=name)
            for k, v in values.items():
                setattr(self, k, v)

        namespace["__init__"] = init_with_super
    elif style == "bare":

        def init_bare(self: Any, values: dict[str, Any]) -> None:  # no super().__init__()
            for k, v in values.items():
                setattr(self, k, v)

        namespace["__init__"] = init_bare
    elif style != "fields":
        raise ValueError(
            f"Unknown style {style!r} in a model spec: use one of fields, init, bare."
        )
    cls = type(f"M{len(_classes)}{style.capitalize()}", (Module,), namespace)
    _classes[key] = cls
    return cls
