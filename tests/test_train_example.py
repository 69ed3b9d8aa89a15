"""examples/train_rate_rnn.py trains: the loss of a small run falls at least 5x."""

from __future__ import annotations

import importlib.util
import pathlib
import sys

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "train_rate_rnn.py"


def load_example():
    spec = importlib.util.spec_from_file_location("train_rate_rnn", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses (eqbrain modules) look their module up
    spec.loader.exec_module(module)
    return module


def test_rate_rnn_loss_falls_at_least_5x():
    example = load_example()
    first, last = example.main(n_steps=100, seed=0, verbose=False)
    assert last * 5 <= first, (first, last)
