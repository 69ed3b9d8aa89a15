"""The state mapping: what a model holds, by relative key, and how it is described.

A checkpoint of any format holds the same entries: every unique Variable and every plain
array field of the model (an Equinox layer's weights too), keyed by the *relative* path
that `state_dict` uses (`c1.w`, `lst-0.v`, `lin.weight`), so that it loads into a freshly
built model in another process whatever names its objects got. Loading the entries back,
all or nothing, is `eqbrain._core.load_checked`; `_format.load_model` calls it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jax.core import Tracer

from .._core import Variable, state_entries

if TYPE_CHECKING:
    from .._core import Module

__all__ = ["FORMAT", "state_of", "values_of", "metadata_of"]

FORMAT = "eqbrain"  # the `format` entry of the metadata


def state_of(model: Module) -> dict[str, Any]:
    """`{relative_key: Variable or ArraySlot}`: each Variable once (under its first
    path), and every plain array field, as `state_dict` keys them."""
    return dict(state_entries(model, "relative"))


def values_of(entries: Mapping[str, Any]) -> dict[str, Any]:
    """`{key: value}` of the entries, as the model holds them (device arrays, shardings
    kept); `TypeError` naming the key for a tracer (a save inside a transform)."""
    out = {}
    for key, entry in entries.items():
        value = entry.raw_value
        if isinstance(value, Tracer):
            raise TypeError(
                f"Cannot save Variable {key!r}: it holds a tracer. Save the model outside "
                "jit/grad/scan, after the transformed function has returned it."
            )
        out[key] = value
    return out


def metadata_of(entries: Mapping[str, Any]) -> dict[str, str]:
    """The string metadata every eqbrain checkpoint carries: `format`, `eqbrain_version`,
    and `variables` (JSON: per key its class, `array` for a plain array field, batch axis
    and axis names)."""
    from importlib.metadata import version

    def describe(v: Any) -> dict[str, Any]:
        if not isinstance(v, Variable):  # a plain array field
            return {"class": "array", "batch_axis": None, "axis_names": None}
        names = v.axis_names
        return {
            "class": type(v).__name__,
            "batch_axis": v.batch_axis,
            "axis_names": None if names is None else list(names),
        }

    info = {k: describe(v) for k, v in entries.items()}
    return {
        "format": FORMAT,
        "eqbrain_version": version("eqbrain"),
        "variables": json.dumps(info, separators=(",", ":")),
    }
