"""The examples of docs/testing.md run as written, and the fixture gives a fresh scope."""

from __future__ import annotations

import pathlib
import re

import jax.numpy as jnp
import pytest

import eqbrain
from eqbrain.testing import (  # noqa: F401
    assert_round_trip,
    assert_unchanged,
    fresh_names,
    name_scope,
)

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "testing.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)


def test_the_ten_line_example_runs():
    block = next(b for b in BLOCKS if "def test_readout" in b)
    assert len(block.split("def test_readout")[1].strip().splitlines()) <= 10
    scope: dict = {}
    exec(block, scope)  # noqa: S102 - the documentation's own code
    scope["test_readout"]()


def test_assert_round_trip_fails_for_state_a_load_cannot_restore():
    class Pair(eqbrain.Module):
        pair: tuple  # arrays in a tuple are saved but cannot be written back in place

    with pytest.raises(ValueError, match="Cannot restore"):
        assert_round_trip(Pair(pair=(jnp.ones(2),)))
    assert_round_trip(Pair(pair=(jnp.ones(2),)), ("flatten", "serialise", "partition"))


def test_the_generated_model_examples_run():
    block = next(b for b in BLOCKS if "def test_twins_share_state" in b)
    scope: dict = {}
    exec("from hypothesis import given, strategies as st\n" + block, scope)  # noqa: S102
    scope["test_twins_share_state"]()
    scope["test_any_values"]()


class _Net(eqbrain.Module):
    v: eqbrain.Variable


def test_fresh_names_starts_auto_names_at_zero(fresh_names):  # noqa: F811 - the fixture
    assert _Net(v=eqbrain.Variable(jnp.zeros(1))).name == "_Net0"
    _Net(v=eqbrain.Variable(jnp.zeros(1)), name="taken_in_a_test")


def test_names_taken_in_a_scope_are_free_after_it():
    with name_scope():
        inside = _Net(v=eqbrain.Variable(jnp.zeros(1)), name="scoped")
        with pytest.raises(eqbrain.UniqueNameError):
            _Net(v=eqbrain.Variable(jnp.zeros(1)), name="scoped")
    outside = _Net(v=eqbrain.Variable(jnp.zeros(1)), name="scoped")
    assert inside.name == outside.name == "scoped"


def test_names_held_before_a_scope_are_held_after_it():
    held = _Net(v=eqbrain.Variable(jnp.zeros(1)), name="held_outside")
    with name_scope():
        _Net(v=eqbrain.Variable(jnp.zeros(1)), name="held_outside")  # free inside
    with pytest.raises(eqbrain.UniqueNameError):
        _Net(v=eqbrain.Variable(jnp.zeros(1)), name="held_outside")
    assert held.name == "held_outside"


def test_assert_unchanged_reports_a_call_that_did_not_fail_or_wrote():
    net = _Net(v=eqbrain.Variable(jnp.zeros(2)))
    with pytest.raises(AssertionError, match="did not raise"):
        assert_unchanged(net, lambda: None)

    def write_then_fail():
        net.v.value = jnp.ones(2)
        raise ValueError("late")

    with pytest.raises(AssertionError, match="'v' holds"):
        assert_unchanged(net, write_then_fail, ValueError)
    with pytest.raises(AssertionError, match="does not match"):
        assert_unchanged(net, lambda: net.load_state_dict(1), TypeError, match="nothing")
