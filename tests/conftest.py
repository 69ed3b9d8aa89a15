"""Every test starts from the same random state, so a failure reproduces.

The seed comes from the test's id: each test draws different numbers, and the same ones
on every run, in any order and on any xdist worker.
"""

import zlib

import numpy as np
import pytest

import eqbrain


@pytest.fixture(autouse=True)
def _seeded(request: pytest.FixtureRequest) -> None:
    seed = zlib.crc32(request.node.nodeid.encode())
    np.random.seed(seed)
    eqbrain.random.seed(seed)
