"""Checkpoint files: `eqbrain.save`, `eqbrain.load`, `eqbrain.read_state`."""

import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import time

import hypothesis.strategies as st
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import safetensors.numpy as stnp
from hypothesis import HealthCheck, given, settings

import eqbrain
from eqbrain.io import _files, _safetensors

SRC = str(pathlib.Path(__file__).resolve().parents[1] / "src")


class C(eqbrain.Module):
    v: eqbrain.Variable
    w: eqbrain.TrainVar

    def __init__(self, scale=1.0, name=None):
        super().__init__(name=name)
        self.v = eqbrain.Variable(jnp.zeros(2))
        self.w = eqbrain.TrainVar(scale * jnp.arange(3.0))


class B(eqbrain.Module):
    c1: C
    c2: C
    lst: eqbrain.NodeList
    vl: eqbrain.VarList
    x: eqbrain.Variable

    def __init__(self, scale=1.0, name=None):
        super().__init__(name=name)
        self.c1 = C(scale)
        self.c2 = C(2 * scale)
        self.lst = eqbrain.NodeList([C(3 * scale)])
        self.vl = eqbrain.VarList([eqbrain.Variable(jnp.asarray(scale))])
        self.x = eqbrain.Variable(jnp.zeros((4, 2)), batch_axis=0, axis_names=("batch", None))


class Tied(eqbrain.Module):
    a: eqbrain.TrainVar
    b: eqbrain.TrainVar

    def __init__(self, value):
        super().__init__()
        cell = eqbrain.TrainVar(jnp.asarray(value, jnp.float32))
        self.a = cell
        self.b = cell


class OptState(eqbrain.Module):
    """What an optimizer keeps: a step counter and integer / float slots."""

    step: eqbrain.Variable
    counts: eqbrain.Variable
    mu: eqbrain.Variable
    lr: eqbrain.Variable

    def __init__(self):
        super().__init__()
        self.step = eqbrain.Variable(jnp.asarray(0, jnp.int32))
        self.counts = eqbrain.Variable(jnp.zeros(5, jnp.int32))
        self.mu = eqbrain.Variable(jnp.zeros((2, 3)))
        self.lr = eqbrain.Variable(jnp.asarray(1e-3, jnp.float32))


def snapshot(model):
    """Every Variable's value object, by relative key: `is` comparisons find any write."""
    return {k: v._value for k, v in model.vars(method="relative").items()}


def assert_unchanged(model, before):
    after = snapshot(model)
    assert after.keys() == before.keys()
    for k in before:
        assert after[k] is before[k], f"{k} was written"


def assert_same_values(m1, m2):
    s1 = m1.vars(method="relative").dict()
    s2 = m2.vars(method="relative").dict()
    assert s1.keys() == s2.keys()
    for k in s1:
        assert s1[k].dtype == s2[k].dtype, k
        np.testing.assert_array_equal(np.asarray(s1[k]), np.asarray(s2[k]), err_msg=k)


# -- round trips ----------------------------------------------------------------------


def test_round_trip_into_a_fresh_model_with_other_names(tmp_path):
    path = tmp_path / "b.safetensors"
    b = B(scale=5.0)
    eqbrain.save(path, b)
    other = B(scale=0.0)
    assert other.name != b.name and other.c1.name != b.c1.name
    before = {k: v for k, v in other.vars(method="relative").items()}
    result = eqbrain.load(path, other, strict=True)
    assert result == eqbrain.StateLoadResult([], [])
    assert_same_values(b, other)
    # never replaced: the same cells hold the new values
    assert all(other.vars(method="relative")[k] is v for k, v in before.items())


def test_file_is_plain_safetensors_keyed_by_relative_paths(tmp_path):
    path = tmp_path / "b.safetensors"
    b = B(scale=2.0)
    eqbrain.save(str(path), b)
    data = stnp.load_file(str(path))
    assert sorted(data) == sorted(b.vars(method="relative"))
    assert sorted(data) == sorted(
        ["c1.v", "c1.w", "c2.v", "c2.w", "lst-0.v", "lst-0.w", "vl-0", "x"]
    )
    np.testing.assert_array_equal(data["c2.w"], 4.0 * np.arange(3.0))
    assert data["vl-0"].shape == () and data["vl-0"].dtype == np.float32


def test_file_written_by_safetensors_loads(tmp_path):
    path = tmp_path / "plain.safetensors"
    b = B()
    arrays = {
        k: np.asarray(np.asarray(v) + 1) for k, v in b.vars(method="relative").dict().items()
    }
    stnp.save_file(arrays, str(path))
    eqbrain.load(path, b, strict=True)
    for k, v in b.vars(method="relative").dict().items():
        np.testing.assert_array_equal(np.asarray(v), arrays[k])


def test_read_state_needs_no_model(tmp_path):
    path = tmp_path / "b.safetensors"
    b = B(scale=3.0)
    eqbrain.save(path, b)
    state = eqbrain.read_state(path)
    assert isinstance(state, dict)
    assert all(isinstance(v, np.ndarray) for v in state.values())
    expected = b.vars(method="relative").dict()
    assert state.keys() == expected.keys()
    for k in state:
        np.testing.assert_array_equal(state[k], np.asarray(expected[k]))


def test_metadata_records_version_class_batch_axis_and_axis_names(tmp_path):
    path = tmp_path / "b.safetensors"
    eqbrain.save(path, B())
    meta = eqbrain.read_metadata(path)
    assert meta["format"] == "eqbrain"
    assert meta["eqbrain_version"] == eqbrain.__version__
    info = meta["variables"]
    assert info["c1.w"] == {"class": "TrainVar", "batch_axis": None, "axis_names": None}
    assert info["c1.v"]["class"] == "Variable"
    assert info["x"] == {"class": "Variable", "batch_axis": 0, "axis_names": ["batch", None]}


def test_shared_cell_is_saved_under_each_key_and_loads_into_both_places(tmp_path):
    # Relative keys name places: a functional copy (two cells) writes the same keys.
    path = tmp_path / "tied.safetensors"
    eqbrain.save(path, Tied([1.0, 2.0]))
    assert list(eqbrain.read_state(path)) == ["a", "b"]
    fresh = Tied([0.0, 0.0])
    assert eqbrain.load(path, fresh, strict=True) == ([], [])
    assert fresh.a is fresh.b
    np.testing.assert_array_equal(np.asarray(fresh.b.value), [1.0, 2.0])


def test_optimizer_like_state_round_trips_exactly(tmp_path):
    path = tmp_path / "opt.safetensors"
    s = OptState()
    s.step.value = jnp.asarray(1234, jnp.int32)
    s.counts.value = jnp.arange(5, dtype=jnp.int32) * 7
    s.mu.value = jax.random.normal(jax.random.key(0), (2, 3))
    s.lr.value = jnp.asarray(0.1234567, jnp.float32)
    eqbrain.save(path, s)
    fresh = OptState()
    eqbrain.load(path, fresh, strict=True)
    assert_same_values(s, fresh)
    assert fresh.step.dtype == jnp.int32 and int(fresh.step) == 1234


def test_batch_axis_may_change_size(tmp_path):
    path = tmp_path / "b.safetensors"
    b = B()
    eqbrain.save(path, b)
    state = eqbrain.read_state(path)
    state["x"] = np.ones((7, 2), np.float32)
    stnp.save_file(state, str(path))
    eqbrain.load(path, b, strict=True)
    assert b.x.shape == (7, 2)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    shapes=st.lists(st.lists(st.integers(0, 4), max_size=3), min_size=1, max_size=4),
    dtype=st.sampled_from(["float32", "int32", "bool", "float16", "bfloat16", "uint8"]),
    seed=st.integers(0, 2**16),
)
def test_round_trip_property(tmp_path, shapes, dtype, seed):
    rng = np.random.default_rng(seed)

    class Flat(eqbrain.Module):
        vs: eqbrain.VarList

        def __init__(self, arrays):
            super().__init__()
            self.vs = eqbrain.VarList([eqbrain.Variable(jnp.asarray(a)) for a in arrays])

    def make(fill):
        out = []
        for s in shapes:
            a = fill(tuple(s))
            out.append(a.astype(jnp.dtype(dtype)))
        return out

    saved = Flat(make(lambda s: rng.normal(size=s) * 10))
    path = tmp_path / "p.safetensors"
    eqbrain.save(path, saved)
    fresh = Flat(make(np.zeros))
    eqbrain.load(path, fresh, strict=True)
    assert_same_values(saved, fresh)


# -- bad values and keys: an error naming file and key, nothing written ---------------


def test_wrong_shape_is_a_math_error_and_changes_nothing(tmp_path):
    path = tmp_path / "b.safetensors"
    b = B()
    state = {k: np.asarray(np.asarray(v) + 1) for k, v in b.vars(method="relative").dict().items()}
    state["lst-0.w"] = np.zeros(4, np.float32)
    stnp.save_file(state, str(path))
    before = snapshot(b)
    with pytest.raises(eqbrain.MathError) as e:
        eqbrain.load(path, b)
    msg = str(e.value)
    assert "'lst-0.w'" in msg and str(path) in msg
    assert "The shape of the original data is (3,), while we got (4,)" in msg
    assert_unchanged(b, before)


def test_wrong_dtype_is_a_math_error_and_changes_nothing(tmp_path):
    path = tmp_path / "b.safetensors"
    b = B()
    state = {k: np.asarray(np.asarray(v) + 1) for k, v in b.vars(method="relative").dict().items()}
    state["c2.v"] = state["c2.v"].astype(np.float16)
    stnp.save_file(state, str(path))
    before = snapshot(b)
    with pytest.raises(eqbrain.MathError) as e:
        eqbrain.load(path, b)
    msg = str(e.value)
    assert "'c2.v'" in msg and str(path) in msg
    assert "The dtype of the original data is float32, while we got float16" in msg
    assert_unchanged(b, before)


def test_strict_missing_key_raises_and_changes_nothing(tmp_path):
    path = tmp_path / "b.safetensors"
    b = B()
    state = {k: np.asarray(np.asarray(v) + 1) for k, v in b.vars(method="relative").dict().items()}
    del state["c1.w"]
    stnp.save_file(state, str(path))
    before = snapshot(b)
    with pytest.raises(ValueError, match=r"Missing keys: \['c1.w'\]") as e:
        eqbrain.load(path, b, strict=True)
    assert str(path) in str(e.value) and "nothing was loaded" in str(e.value)
    assert_unchanged(b, before)


def test_strict_unexpected_key_raises_and_changes_nothing(tmp_path):
    path = tmp_path / "b.safetensors"
    b = B()
    state = {k: np.asarray(np.asarray(v) + 1) for k, v in b.vars(method="relative").dict().items()}
    state["c9.q"] = np.zeros(1, np.float32)
    stnp.save_file(state, str(path))
    before = snapshot(b)
    with pytest.raises(ValueError, match=r"Unexpected keys: \['c9.q'\]") as e:
        eqbrain.load(path, b, strict=True)
    assert str(path) in str(e.value)
    assert_unchanged(b, before)


def test_not_strict_loads_the_rest_and_warns(tmp_path):
    path = tmp_path / "b.safetensors"
    b = B()
    state = {k: np.asarray(np.asarray(v) + 1) for k, v in b.vars(method="relative").dict().items()}
    del state["c1.w"]
    state["extra"] = np.zeros(1, np.float32)
    stnp.save_file(state, str(path))
    with pytest.warns(UserWarning, match="missing keys"):
        result = eqbrain.load(path, b)
    assert result == eqbrain.StateLoadResult(["c1.w"], ["extra"])
    np.testing.assert_array_equal(np.asarray(b.c2.w.value), state["c2.w"])
    np.testing.assert_array_equal(np.asarray(b.c1.w.value), np.arange(3.0))
    assert eqbrain.load(path, B(), warn=False) == result


# -- bad files --------------------------------------------------------------------------


def _valid_file(tmp_path):
    path = tmp_path / "good.safetensors"
    eqbrain.save(path, B(scale=9.0))
    return path, path.read_bytes()


@pytest.mark.parametrize(
    "cut",
    [0, 3, 8, 20, -1, -5],
    ids=["empty", "short", "length-only", "in-header", "last-byte", "in-data"],
)
def test_truncated_file_raises_checkpoint_error(tmp_path, cut):
    _, raw = _valid_file(tmp_path)
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(raw[:cut])
    b = B()
    before = snapshot(b)
    with pytest.raises(eqbrain.CheckpointError) as e:
        eqbrain.load(bad, b)
    assert str(bad) in str(e.value) and "Nothing was loaded" in str(e.value)
    assert_unchanged(b, before)


def test_corrupted_header_raises_checkpoint_error(tmp_path):
    _, raw = _valid_file(tmp_path)
    bad = tmp_path / "bad.safetensors"
    for i, junk in [(9, b"\xff"), (8, b"["), (20, b"\x00")]:
        bad.write_bytes(raw[:i] + junk + raw[i + 1 :])
        b = B()
        before = snapshot(b)
        with pytest.raises(eqbrain.CheckpointError, match="bad.safetensors"):
            eqbrain.load(bad, b)
        assert_unchanged(b, before)


def test_inconsistent_header_entry_raises(tmp_path):
    path, raw = _valid_file(tmp_path)
    n = int.from_bytes(raw[:8], "little")
    header = raw[8 : 8 + n].replace(b'"shape":[3]', b'"shape":[4]', 1)
    assert header != raw[8 : 8 + n]
    path.write_bytes(raw[:8] + header + raw[8 + n :])
    with pytest.raises(eqbrain.CheckpointError, match="inconsistent"):
        eqbrain.read_state(path)


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n" + bytes(100), b"hello, this is a text file\n" * 5, bytes(64)],
    ids=["png", "text", "zeros"],
)
def test_foreign_file_raises_checkpoint_error(tmp_path, content):
    path = tmp_path / "foreign.bin"
    path.write_bytes(content)
    b = B()
    before = snapshot(b)
    with pytest.raises(eqbrain.CheckpointError, match="foreign.bin"):
        eqbrain.load(path, b)
    assert_unchanged(b, before)


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        eqbrain.load(tmp_path / "nope.safetensors", B())


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_random_bytes_never_load_anything(tmp_path, data):
    path = tmp_path / "random.safetensors"
    path.write_bytes(data)
    b = B()
    before = snapshot(b)
    try:
        result = eqbrain.load(path, b, warn=False)
    except eqbrain.CheckpointError as e:
        assert "random.safetensors" in str(e)
    else:  # only a valid (e.g. empty) safetensors file gets here; it names no key of b
        assert result.missing_keys == list(before)
    assert_unchanged(b, before)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(0, 10**6), flip=st.booleans(), position=st.integers(0, 10**6))
def test_random_truncations_and_header_flips_raise(tmp_path, cut, flip, position):
    path, raw = _valid_file(tmp_path)
    n = 8 + int.from_bytes(raw[:8], "little")
    if flip:  # one corrupted byte in the length or the header
        i = position % n
        raw = raw[:i] + bytes([raw[i] ^ 0x80]) + raw[i + 1 :]
    else:
        raw = raw[: cut % len(raw)]
    path.write_bytes(raw)
    b = B()
    before = snapshot(b)
    with pytest.raises(eqbrain.CheckpointError):
        eqbrain.load(path, b)
    assert_unchanged(b, before)


# -- atomic writes ----------------------------------------------------------------------


def test_exception_mid_save_keeps_the_earlier_file(tmp_path, monkeypatch):
    path = tmp_path / "b.safetensors"
    eqbrain.save(path, B(scale=1.0))
    good = path.read_bytes()

    def failing(header, arrays):
        yield header
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(_safetensors, "_chunks", failing)
    with pytest.raises(OSError, match="disk full"):
        eqbrain.save(path, B(scale=2.0))
    assert path.read_bytes() == good
    assert os.listdir(tmp_path) == ["b.safetensors"]  # the temporary file is gone


def test_save_refuses_a_tracer(tmp_path):
    path = tmp_path / "t.safetensors"

    @jax.jit
    def f(x):
        m = Tied(0.0)
        m.a._value = x  # as inside a trace
        eqbrain.save(path, m)
        return x

    with pytest.raises(TypeError, match="holds a tracer"):
        f(jnp.zeros(()))
    assert not path.exists()


_KILL_SCRIPT = """
import sys, time
import jax.numpy as jnp
import eqbrain
from eqbrain.io import _files, _safetensors

class Big(eqbrain.Module):
    w: eqbrain.Variable
    def __init__(self, fill):
        super().__init__()
        self.w = eqbrain.Variable(jnp.full((N,), fill, jnp.float32))

mode, path = sys.argv[1], sys.argv[2]
if mode == "stall":
    real = _safetensors._chunks
    def stalling(header, arrays):
        for i, chunk in enumerate(real(header, arrays)):
            yield chunk
            if i == 1:  # the header and the data are out: stall mid-file
                print("half", flush=True)
                time.sleep(600)
    _safetensors._chunks = stalling
    eqbrain.save(path, Big(2.0))
else:  # loop: overwrite the same file again and again with full saves
    print("start", flush=True)
    k = 0
    while True:
        k += 1
        eqbrain.save(path, Big(float(k)))
"""


def _kill_script(n):
    return f"N = {n}\n" + textwrap.dedent(_KILL_SCRIPT)


def _big(n, fill):
    class Big(eqbrain.Module):
        w: eqbrain.Variable

        def __init__(self):
            super().__init__()
            self.w = eqbrain.Variable(jnp.full((n,), fill, jnp.float32))

    return Big()


def _spawn(tmp_path, mode, path, n):
    script = tmp_path / "saver.py"
    script.write_text(_kill_script(n))
    env = dict(os.environ, PYTHONPATH=SRC, JAX_PLATFORMS="cpu")
    return subprocess.Popen(
        [sys.executable, str(script), mode, str(path)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )


def test_sigkill_mid_write_leaves_the_earlier_file(tmp_path):
    n = 1 << 20
    path = tmp_path / "big.safetensors"
    eqbrain.save(path, _big(n, 1.0))
    proc = _spawn(tmp_path, "stall", path, n)
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline().strip() == "half"
        temps = [p for p in os.listdir(tmp_path) if p.endswith(".eqbrain-tmp")]
        assert len(temps) == 1  # the new file is half written beside the old one
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    fresh = _big(n, 0.0)
    eqbrain.load(path, fresh, strict=True)
    assert np.all(np.asarray(fresh.w.value) == 1.0)


def test_sigkill_during_repeated_saves_always_leaves_a_whole_file(tmp_path):
    n = 4 << 20  # 16 MB
    path = tmp_path / "big.safetensors"
    eqbrain.save(path, _big(n, 0.0))
    proc = _spawn(tmp_path, "loop", path, n)
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline().strip() == "start"
        mtime = path.stat().st_mtime_ns
        deadline = time.monotonic() + 60
        while path.stat().st_mtime_ns == mtime and time.monotonic() < deadline:
            time.sleep(0.01)  # wait for at least one completed overwrite
        time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    fresh = _big(n, -1.0)
    eqbrain.load(path, fresh, strict=True)
    w = np.asarray(fresh.w.value)
    assert w[0] >= 1.0 and np.all(w == w[0])  # one whole save, and not the first one


_SHARDED_SCRIPT = """
import sys
import jax, jax.numpy as jnp, numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
import eqbrain

assert len(jax.devices()) == 8, jax.devices()
mesh = Mesh(np.array(jax.devices()).reshape(4, 2), ("data", "model"))

class Net(eqbrain.Module):
    w: eqbrain.TrainVar
    b: eqbrain.Variable
    def __init__(self, fill):
        super().__init__()
        w = jnp.full((8, 6), fill, jnp.float32) + jnp.arange(6.0)
        self.w = eqbrain.TrainVar(jax.device_put(w, NamedSharding(mesh, P("data", "model"))))
        self.b = eqbrain.Variable(jax.device_put(jnp.zeros(6) + fill, NamedSharding(mesh, P())))

path = sys.argv[1]
net = Net(1.0)
eqbrain.save(path, net)
fresh = Net(0.0)
eqbrain.load(path, fresh, strict=True)
assert fresh.w.value.sharding == NamedSharding(mesh, P("data", "model")), fresh.w.value.sharding
assert len(fresh.w.value.addressable_shards) == 8
np.testing.assert_array_equal(np.asarray(fresh.w.value), np.asarray(net.w.value))
np.testing.assert_array_equal(np.asarray(fresh.b.value), np.ones(6))
print("ok")
"""


def test_sharded_model_round_trips_and_keeps_its_sharding(tmp_path):
    script = tmp_path / "sharded.py"
    script.write_text(textwrap.dedent(_SHARDED_SCRIPT))
    env = dict(
        os.environ,
        PYTHONPATH=SRC,
        JAX_PLATFORMS="cpu",
        XLA_FLAGS="--xla_force_host_platform_device_count=8",
    )
    out = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "s.safetensors")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "ok"


def test_short_raw_writes_are_continued():
    # Guards the loop in _write_all: a raw write() may write fewer bytes than asked
    # (Linux writes at most ~2 GiB per call), and the rest must not be dropped.
    class Trickle:
        def __init__(self):
            self.out = bytearray()

        def write(self, b):
            n = min(len(b), 7)
            self.out += bytes(b[:n])
            return n

    f = Trickle()
    data = np.arange(100, dtype=np.float32)
    _files._write_all(f, data.view(np.uint8).data)
    assert bytes(f.out) == data.tobytes()


def test_fsync_false_writes_the_same_file(tmp_path):
    b = B(scale=4.0)
    eqbrain.save(tmp_path / "a.safetensors", b)
    eqbrain.save(tmp_path / "b.safetensors", b, fsync=False)
    assert (tmp_path / "a.safetensors").read_bytes() == (tmp_path / "b.safetensors").read_bytes()


def test_saved_file_gets_the_usual_permissions(tmp_path):
    # A temporary file made by tempfile.mkstemp would be 0600; the checkpoint is
    # created like any file, 0666 minus the umask.
    umask = os.umask(0o022)
    try:
        eqbrain.save(tmp_path / "m.safetensors", B())
    finally:
        os.umask(umask)
    assert (tmp_path / "m.safetensors").stat().st_mode & 0o777 == 0o644


def test_metadata_of_a_plain_safetensors_file_is_empty(tmp_path):
    path = tmp_path / "plain.safetensors"
    stnp.save_file({"a": np.zeros(2, np.float32)}, str(path))
    assert eqbrain.read_metadata(path) == {}
    assert list(eqbrain.read_state(path)) == ["a"]
