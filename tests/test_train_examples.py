"""The training examples at a tiny size: the spiking network learns the digits above
chance, and the echo-state network predicts Mackey-Glass better than the mean."""

from __future__ import annotations

import pytest

from tests.helpers import load_script

pytest.importorskip("sklearn")


def test_snn_digits_learns_above_chance():
    example = load_script("examples/train_snn_digits.py")
    acc, losses, _ = example.main(epochs=5, hidden=32, batch=20, n=300, png=None, verbose=False)
    assert losses[-1] < 0.6 * losses[0] and acc > 0.5, (acc, losses)


def test_esn_predicts_mackey_glass():
    example = load_script("examples/esn_mackey_glass.py")
    error = example.main(num_hidden=50, warmup=50, train=300, test=100, png=None, verbose=False)
    assert error < 0.3, error
