"""The three training loops of docs/equinox.md run as written and train the model."""

from __future__ import annotations

import pathlib
import re

import pytest

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "equinox.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
MODEL = next(b for b in BLOCKS if "class Net(eqbrain.Module)" in b)
STYLES = [b for b in BLOCKS if "for _ in range(100)" in b]


def test_the_page_has_three_training_loops():
    assert len(STYLES) == 3


@pytest.mark.parametrize("loop", STYLES, ids=["in-place", "functional", "mixed"])
def test_training_loop_runs_and_lowers_the_loss(loop):
    scope: dict = {}
    exec(MODEL, scope)  # noqa: S102 - the documentation's own code
    start = float(scope["Net"](scope["jax"].random.key(0)).loss(scope["x"], scope["y"]))
    exec(loop, scope)  # noqa: S102
    net = scope["net"]
    assert float(net.loss(scope["x"], scope["y"])) < 0.5 * start
    assert int(net.calls.value) >= 100  # the state Variable was written back every step


def test_the_dropped_write_example_runs_as_written():
    # The documented limitation and its working forms: the block asserts both sides (a
    # write dropped by a function that does not return the model; kept when it does, or
    # under eqbrain.jit).
    block = next(b for b in BLOCKS if "class Tally(eqbrain.Module)" in b)
    scope: dict = {}
    exec("import equinox as eqx, jax, jax.numpy as jnp, eqbrain\n" + block, scope)  # noqa: S102
    assert float(scope["tally"].n.value) == 2.0
