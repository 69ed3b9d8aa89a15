"""examples/train_rate_rnn.py trains: the loss of a small run falls at least 5x."""

from __future__ import annotations

from tests.helpers import load_script


def load_example():
    return load_script("examples/train_rate_rnn.py")


def test_rate_rnn_loss_falls_at_least_5x():
    example = load_example()
    first, last = example.main(n_steps=100, seed=0, verbose=False)
    assert last * 5 <= first, (first, last)
