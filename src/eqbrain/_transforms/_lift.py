"""Tracing a function once: Variables become inputs of the jaxpr when first touched.

`jax.make_jaxpr` takes its inputs up front, but an eqbrain function reaches Variables
through `self` and closures, known only once it has run. `input_lifter()` returns a
function that adds a new input to the jaxpr being traced and returns its tracer (the
trace's `new_arg`, as brainstate does); a recorder with that function as its `lift`
gives each Variable such an input at its first touch. The jaxpr's inputs are then the
traced function's arguments followed by the lifted Variables, in first-touch order, and
`jax.jit` of that jaxpr compiles the call without tracing the Python again.

The current trace comes from `jax.extend.core.take_current_trace`; its `new_arg` is not
part of JAX's stable API. `input_lifter()` returns `None` where it is not as expected,
and the transforms then trace twice (once to find the Variables, once to compile).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import jax
from jax.extend import source_info_util
from jax.extend.core import take_current_trace

_usable: bool | None = None  # whether this JAX's jaxpr trace has `new_arg(aval, source_info)`


def _check(trace: object) -> bool:
    global _usable
    if _usable is None:
        try:
            params = list(inspect.signature(type(trace).new_arg).parameters)  # pyright: ignore[reportAttributeAccessIssue]
            _usable = params[1:] == ["aval", "source_info"]
        except (AttributeError, ValueError, TypeError):
            _usable = False
    return _usable


def input_lifter() -> Callable[[jax.Array], jax.Array] | None:
    """Inside `jax.make_jaxpr`: a function giving a value a new input of the jaxpr being
    traced (its tracer), or `None` if the current trace cannot take new inputs."""
    with take_current_trace() as trace:
        pass
    if type(trace).__name__ != "DynamicJaxprTrace" or not _check(trace):
        return None
    new_arg = trace.new_arg

    def lift(value: jax.Array) -> jax.Array:
        return new_arg(jax.typeof(value), source_info=source_info_util.current())

    return lift
