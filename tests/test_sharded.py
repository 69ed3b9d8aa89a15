"""One network on 1, 2, 4 and 8 devices and across two processes: identical spikes.

The COBA network (80 neurons) with delays and Poisson input runs on one mesh of 2
processes x 4 devices (`jax.distributed`, a local coordinator), which saves an orbax
checkpoint midway; then without a mesh and on meshes of 2, 4 and 8 forced CPU devices
in one subprocess (the test process has initialised JAX with one device), which also
resumes that checkpoint on 4 devices, and then runs a tiny Potjans-Diesmann
microcircuit (232 neurons, `DelayConn` with per-synapse delays split by target block,
Poisson background) without a mesh and on 2, 4 and 8 devices.
"""

from __future__ import annotations

import json
import os
import pathlib
import socket
import subprocess
import sys

import jax
import numpy as np
import pytest

import eqbrain
from eqbrain.dyn.projections._sharded import split_delay_rows

ROOT = pathlib.Path(__file__).resolve().parent.parent

NET = f"""
import sys
sys.path.insert(0, {str(ROOT / "examples")!r})
import hashlib
import jax
import numpy as np
import eqbrain
from coba_ei_network import EINet


class Net(EINet):
    P: eqbrain.dyn.PoissonInput

    def __init__(self):
        super().__init__(0.02, seed=0, delay_E=0.5, delay_I=1.0)
        self.P = eqbrain.dyn.PoissonInput(self.N.V, 20, freq=20.0, weight=0.5, seed=3)

    def update(self, background=20.0):
        self.P()
        return super().update(background)


def spikes(net, ms, mesh=None):
    s = eqbrain.run(net, ms, monitors=["N.spike"], dt=0.1, mesh=mesh)["N.spike"]
    return [s.steps.tolist(), s.indices.tolist()]
"""

DEVICES = """
import json
folder = sys.argv[1]
out = {"none": spikes(Net(), 30.0)}
for n in (2, 4, 8):
    mesh = jax.make_mesh((n,), ("neurons",), devices=jax.devices()[:n])
    net = Net()
    runner = eqbrain.DSRunner(net, monitors=["N.spike"], dt=0.1, mesh=mesh)
    runner.run(30.0)
    out[n] = [runner.mon["N.spike"].steps.tolist(), runner.mon["N.spike"].indices.tolist()]
    if n == 8:  # what each device holds: its 10 neurons, the synapses onto them
        rows = runner._plan.splits[id(net.E.comm.indices)].indices.value
        out["held"] = {
            "V": [s.data.shape[0] for s in net.N.V.value.addressable_shards],
            "tables": [s.data.shape[0] for s in rows.addressable_shards],
            "synapses": int(sum((np.asarray(s.data) < 10).sum() for s in rows.addressable_shards)),
            "total": net.E.comm.n_synapses,
        }
    if n == 4:  # resume the 2 x 4-device checkpoint here, with the same compiled run
        eqbrain.load_orbax(folder + "/ck", net, strict=True)
        runner.run(15.0)
        after = runner.mon["N.spike"]
        out["resumed"] = [after.steps.tolist(), after.indices.tolist()]
errors = {}
net = Net()
before = np.asarray(net.N.V.value)
small = eqbrain.dyn.LifRef(4)
for key, model, kw in [("small", small, {}), ("axis", net, {"mesh_axis": "x"})]:
    mesh = jax.make_mesh((8,), ("neurons",))
    try:
        eqbrain.DSRunner(model, mesh=mesh, **kw)
    except eqbrain.RunningError as e:
        errors[key] = str(e)
import warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    four = jax.make_mesh((4,), ("neurons",), devices=jax.devices()[:4])
    eqbrain.DSRunner(eqbrain.dyn.LifRef(10), mesh=four)
errors["uneven"] = [str(w.message) for w in caught]
errors["unchanged"] = bool(
    np.array_equal(np.asarray(net.N.V.value), before)
    and len(net.N.V.value.sharding.device_set) == 1
)
from microcircuit import Microcircuit

circuit = {}
for n in (None, 2, 4, 8):
    mesh = n and jax.make_mesh((n,), ("neurons",), devices=jax.devices()[:n])
    net = Microcircuit(0.003, seed=3)  # 232 neurons (8 x 29), delays of 1 to 39 steps
    # started near threshold, so that recurrent spikes arrive within the 80 steps
    V0 = np.random.default_rng(0).uniform(-55.0, -50.0, net.bounds[-1])
    net.neurons.V.value = jax.numpy.asarray(V0, jax.numpy.float32)
    runner = eqbrain.DSRunner(net, monitors=["neurons.spike"], dt=0.1, mesh=mesh)
    runner.run(8.0)
    s = runner.mon["neurons.spike"]
    circuit[str(n)] = [s.steps.tolist(), s.indices.tolist()]
    if n == 8:  # what each device holds: its 29 neurons, the synapses onto them
        split = runner._plan.delays[id(net.conn.codes)]
        rows = [np.asarray(x.data)[0] for x in split.indptr.value.addressable_shards]
        circuit["held"] = {
            "V": [x.data.shape[0] for x in net.neurons.V.value.addressable_shards],
            "buffer": [list(x.data.shape) for x in net.conn.buffer.value.addressable_shards],
            "max_delay": net.conn.max_delay,
            "synapses": [int(r[-1]) for r in rows],
            "codes": [x.data.shape[1] for x in split.codes.value.addressable_shards],
            "global": [x.data.shape[0] for x in net.conn.codes.value.addressable_shards],
            "total": net.conn.n_synapses,
            "length": net.conn.codes.value.shape[0],
            "pending": float(np.abs(np.asarray(net.conn.buffer.value)).sum()),
        }
ten = eqbrain.dyn.DelayConn([0, 1], [9, 3], n_pre=2, n_post=10, delay=0.3)
four = jax.make_mesh((4,), ("neurons",), devices=jax.devices()[:4])
circuit["whole"] = len(eqbrain.DSRunner(ten, mesh=four)._plan.delays)  # 10 targets: not split
print("RESULT", json.dumps({"spikes": out, "errors": errors, "circuit": circuit}))
"""

PROCESSES = """
rank, port, folder = int(sys.argv[1]), sys.argv[2], sys.argv[3]
jax.config.update("jax_cpu_collectives_implementation", "gloo")
jax.distributed.initialize(f"127.0.0.1:{port}", num_processes=2, process_id=rank)
import json
mesh = jax.make_mesh((8,), ("neurons",))
net = Net()
runner = eqbrain.DSRunner(net, monitors=["N.spike"], dt=0.1, mesh=mesh)
runner.run(15.0)
a = runner.mon["N.spike"]
eqbrain.save_orbax(folder + "/ck", net)
runner.run(15.0)
b = runner.mon["N.spike"]
whole = [a.steps.tolist() + (b.steps + 150).tolist(), a.indices.tolist() + b.indices.tolist()]
if rank == 0:
    print("RESULT", json.dumps({"spikes": whole, "after": [b.steps.tolist(), b.indices.tolist()]}))
"""


def _run(code: str, *args: str, devices: int) -> subprocess.Popen:
    env = dict(os.environ)
    # Unoptimised code compiles a quarter faster; every run compared is compiled alike.
    flags = f"--xla_force_host_platform_device_count={devices} --xla_backend_optimization_level=0"
    env["XLA_FLAGS"] = flags
    env["JAX_PLATFORMS"] = "cpu"
    env["PYTHONPATH"] = str(ROOT / "src")
    return subprocess.Popen(
        [sys.executable, "-c", NET + code, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _result(proc: subprocess.Popen) -> dict:
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out[-3000:]
    line = [x for x in out.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT ") :])


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory) -> tuple[dict, pathlib.Path]:
    """The network on one mesh of 2 processes x 4 devices, checkpointed midway."""
    folder = tmp_path_factory.mktemp("two_processes")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    procs = [_run(PROCESSES, str(r), port, str(folder), devices=4) for r in (0, 1)]
    try:
        result = _result(procs[0])
        rest = procs[1].communicate(timeout=300)[0]
        assert procs[1].returncode == 0, rest[-3000:]
    finally:
        for p in procs:
            p.kill()
            p.wait()
    return result, folder


@pytest.fixture(scope="module")
def on_devices(two_processes) -> dict:
    """The network without a mesh and on 2, 4 and 8 devices of one process; on 4, the
    two processes' checkpoint resumed; the bad meshes' errors; the microcircuit."""
    return _result(_run(DEVICES, str(two_processes[1]), devices=8))


def test_spikes_are_identical_on_1_2_4_and_8_devices(on_devices):
    spikes = on_devices["spikes"]
    assert len(spikes["none"][0]) > 50  # the network spikes
    for n in ("2", "4", "8"):
        assert spikes[n] == spikes["none"], f"{n} devices"


def test_each_device_holds_its_neurons_and_the_synapses_onto_them(on_devices):
    held = on_devices["spikes"]["held"]
    assert held["V"] == [10] * 8  # 80 neurons on 8 devices
    assert held["tables"] == [1] * 8  # one table a device
    assert held["synapses"] == held["total"] > 0  # each synapse on one device


def test_microcircuit_spikes_are_identical_on_1_2_4_and_8_devices(on_devices):
    circuit = on_devices["circuit"]
    assert len(circuit["None"][0]) > 20  # the circuit spikes
    for n in ("2", "4", "8"):
        assert circuit[n] == circuit["None"], f"{n} devices"
    held = circuit["held"]
    assert held["V"] == [29] * 8  # the neurons are split, and so is DelayConn:
    assert held["buffer"] == [[held["max_delay"], 29]] * 8  # its columns of the buffer
    assert sum(held["synapses"]) == held["total"]  # each synapse on one device
    assert max(held["codes"]) < held["total"] / 4  # each device's rows: about an eighth
    assert held["global"] == [held["length"] // 8] * 8  # the checkpoint rows, split too
    assert held["pending"] > 0  # spikes still travelling through the delays at the end
    assert circuit["whole"] == 0  # 10 targets on 4 devices: left whole


def test_two_processes_give_the_same_spikes_and_resume_elsewhere(two_processes, on_devices):
    result, _ = two_processes
    assert result["spikes"] == on_devices["spikes"]["none"]
    # The checkpoint of 2 processes x 4 devices, resumed on 4 devices of one process.
    assert on_devices["spikes"]["resumed"] == result["after"]
    assert len(result["after"][0]) > 10


def test_bad_meshes_say_what_to_do_and_change_nothing(on_devices):
    errors = on_devices["errors"]
    assert "has 4 neurons, fewer than the 8 devices of mesh axis 'neurons'" in errors["small"]
    assert "jax.make_mesh((4,), ('neurons',)" in errors["small"]
    assert "the mesh has no axis 'x'; its axes are ('neurons',)" in errors["axis"]
    assert "mesh_axis=" in errors["axis"]
    assert errors["unchanged"]
    (uneven,) = errors["uneven"]
    assert "has 10 neurons, not a multiple of the 4 devices" in uneven
    assert "kept whole on every device" in uneven


def test_one_device_mesh_and_axis_errors_in_process():
    mesh = jax.make_mesh((1,), ("neurons",))
    net = eqbrain.dyn.LifRef(8)
    with pytest.raises(TypeError, match="mesh must be a jax.sharding.Mesh"):
        eqbrain.DSRunner(net, mesh="neurons")  # type: ignore[arg-type]
    with pytest.raises(eqbrain.RunningError, match="give the mesh too"):
        eqbrain.DSRunner(net, mesh_axis="neurons")
    two = jax.sharding.Mesh(np.array(jax.devices()[:1]).reshape(1, 1), ("a", "b"))
    with pytest.raises(eqbrain.RunningError, match=r"several axes \('a', 'b'\).*mesh_axis="):
        eqbrain.DSRunner(net, mesh=two)
    eqbrain.DSRunner(net, mesh=mesh, mesh_axis="neurons")  # fits


def test_delay_rows_split_by_target_block_keep_each_synapse_once_in_order():
    rng = np.random.default_rng(0)
    n = 40
    conn = eqbrain.dyn.DelayConn(
        rng.integers(0, 6, n),
        rng.integers(0, 8, n),
        n_pre=6,
        n_post=8,
        weight=rng.normal(size=n),
        delay=rng.uniform(0.1, 0.5, n),
        dt=0.1,
    )
    assert conn.weights is not None
    syn = conn.synapses()
    rows, codes, weights, width = split_delay_rows(
        np.asarray(conn.indptr.value),
        np.asarray(conn.codes.value),
        np.asarray(conn.weights.value),
        8,
        4,
    )
    assert weights is not None and rows.shape == (4, 7)
    for s in range(4):  # device s: targets 2s and 2s + 1, renumbered 0 and 1
        mine = syn["post"] // 2 == s
        k = int(rows[s, -1])
        assert codes.shape[1] >= k + width >= k + np.diff(rows[s]).max()
        assert np.array_equal(np.repeat(np.arange(6), np.diff(rows[s])), syn["pre"][mine])
        assert np.array_equal(codes[s, :k] % 2 + 2 * s, syn["post"][mine])
        assert np.array_equal(codes[s, :k] // 2 + 1, syn["delay_steps"][mine])
        assert np.array_equal(weights[s, :k], syn["weight"][mine])
    assert int(rows[:, -1].sum()) == conn.n_synapses == n
