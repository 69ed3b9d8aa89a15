"""Shared test helpers: the DESIGN.md example tree, snapshots, scripts. Random models
come from `eqbrain.testing`."""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from types import ModuleType

import jax
import jax.numpy as jnp
import numpy as np

import eqbrain
import eqbrain.internal


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


def snapshot(model) -> list[tuple[str, int, np.ndarray]]:
    """Every place `model` holds state (Variables, plain arrays), as (relative key, the
    id of its Variable or 0, a copy of its value): to show that nothing changed."""
    return [
        (key, id(entry) if isinstance(entry, eqbrain.Variable) else 0, np.array(entry.raw_value))
        for key, entry in eqbrain.internal.state_entries(model)
    ]


def assert_unchanged(model, before) -> None:
    after = snapshot(model)
    assert [(k, i) for k, i, _ in after] == [(k, i) for k, i, _ in before]
    for (_, _, a), (_, _, b) in zip(after, before):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


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
