"""Every test starts from the same random state, so a failure reproduces.

The seed comes from the test's id: each test draws different numbers, and the same ones
on every run, in any order and on any xdist worker.

Hypothesis runs under the `default` profile, which keeps the suite fast.
`HYPOTHESIS_PROFILE=slow` runs every property test with 1,000 examples; CI runs the
round-trip property that way with x64 off and on (`nox -s properties`).
"""

import os
import zlib

# The tests build tiny models, where XLA's compile time dominates the run: LLVM at -O0
# compiles about a third faster, and the exact comparisons hold. (XLA's elemental emitters,
# `--xla_cpu_use_fusion_emitters=false`, would save a quarter more, but they fuse
# differently and round differently: chaotic spike trains then part from BrainPy's and
# from the runner's.) Set XLA_FLAGS yourself to test with XLA's defaults.
os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0")


import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import eqbrain

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("default", max_examples=25, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("slow", max_examples=1000, deadline=None, suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _seeded(request: pytest.FixtureRequest) -> None:
    seed = zlib.crc32(request.node.nodeid.encode())
    np.random.seed(seed)
    eqbrain.random.seed(seed)
