"""examples/decision_making.py (Wang 2002) at a quarter of its size."""

import jax.numpy as jnp
import numpy as np
import pytest

from tests.helpers import load_script

dm = load_script("examples/decision_making.py")


def test_group_comm_equals_its_dense_weight_matrix():
    groups = [(0, 2), (2, 3), (3, 6)]
    W = np.array([[1.7, 0.9, 0.9], [0.9, 1.7, 0.9], [1.0, 1.0, 1.0]], np.float32)
    comm = dm.GroupComm(groups, groups, W)
    x = jnp.arange(6.0)
    dense = np.zeros((6, 6), np.float32)
    for i, (a, b) in enumerate(groups):
        for j, (c, d) in enumerate(groups):
            dense[a:b, c:d] = W[i, j]
    np.testing.assert_allclose(comm(x), dense @ np.arange(6.0), rtol=1e-6)


@pytest.mark.parametrize("coherence, winner", [(-100.0, "B")])  # A wins in the docs run
def test_the_favoured_group_wins_and_the_other_is_suppressed(coherence, winner, capsys):
    out = dm.main(coherence=coherence, duration=1200.0, scale=0.25, png=None)
    assert out["winner"] == winner
    win, lose = sorted(out["end"], reverse=True)
    assert win > 10.0 and lose < 5.0  # Hz, over the last 100 ms of the stimulus
    spont = out["rates"][1000:1900].mean()  # 100-190 ms: before the stimulus
    assert spont < 5.0
    assert f"{winner} wins" in capsys.readouterr().out
