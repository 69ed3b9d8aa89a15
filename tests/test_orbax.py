"""The optional orbax backend (`eqbrain.save_orbax` / `load_orbax`), on 8 forced host
devices in a subprocess. Skipped when orbax-checkpoint is not installed."""

import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("orbax.checkpoint")

SRC = str(pathlib.Path(__file__).resolve().parents[1] / "src")

_SCRIPT = """
import sys
import jax, jax.numpy as jnp, numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
import eqbrain

assert len(jax.devices()) == 8
mesh = Mesh(np.array(jax.devices()).reshape(4, 2), ("data", "model"))
ROW, COL = NamedSharding(mesh, P("data", "model")), NamedSharding(mesh, P(None, "model"))

class Net(eqbrain.Module):
    w: eqbrain.TrainVar
    step: eqbrain.Variable
    tied: eqbrain.TrainVar
    def __init__(self, fill, sharding):
        super().__init__()
        w = jnp.full((8, 6), fill, jnp.float32) + jnp.arange(6.0)
        self.w = eqbrain.TrainVar(jax.device_put(w, sharding))
        self.step = eqbrain.Variable(jnp.asarray(int(fill), jnp.int32))
        self.tied = self.w

d = sys.argv[1]
net = Net(3.0, ROW)
eqbrain.save_orbax(d + "/ck", net)
fresh = Net(0.0, COL)  # restored straight into another sharding
assert eqbrain.load_orbax(d + "/ck", fresh, strict=True) == ([], [])
assert fresh.w.value.sharding == COL and fresh.tied is fresh.w
np.testing.assert_array_equal(np.asarray(fresh.w.value), np.asarray(net.w.value))
assert int(fresh.step.value) == 3 and fresh.step.dtype == jnp.int32

class Wide(eqbrain.Module):
    w: eqbrain.TrainVar
    step: eqbrain.Variable
    def __init__(self):
        super().__init__()
        self.w = eqbrain.TrainVar(jnp.zeros((8, 7)))
        self.step = eqbrain.Variable(jnp.asarray(0, jnp.int32))

wide = Wide()
before = wide.w.value
try:
    eqbrain.load_orbax(d + "/ck", wide)
except eqbrain.MathError as e:
    assert "'w'" in str(e) and "/ck" in str(e) and "(8, 7), while we got (8, 6)" in str(e), e
else:
    raise AssertionError("no MathError")
assert wide.w.value is before and int(wide.step.value) == 0
print("ok")
"""


def test_orbax_round_trip_with_sharding_on_8_host_devices(tmp_path):
    script = tmp_path / "orbax_run.py"
    script.write_text(textwrap.dedent(_SCRIPT))
    env = dict(
        os.environ,
        PYTHONPATH=SRC,
        JAX_PLATFORMS="cpu",
        XLA_FLAGS="--xla_force_host_platform_device_count=8",
    )
    out = subprocess.run(
        [sys.executable, str(script), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().splitlines()[-1] == "ok"


def test_load_orbax_without_a_directory_raises(tmp_path):
    import eqbrain

    class M(eqbrain.Module):
        pass

    with pytest.raises(FileNotFoundError, match="No orbax checkpoint"):
        eqbrain.load_orbax(tmp_path / "nope", M())
