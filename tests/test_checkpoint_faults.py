"""Checkpoint files under faults: killed saves, files changing under a reader, debris,
permissions, symlinks, path types, hostile headers and checksums."""

import fcntl
import json
import os
import pathlib
import signal
import stat
import subprocess
import sys
import textwrap
import time

import hypothesis.strategies as st
import jax.numpy as jnp
import numpy as np
import pytest
import safetensors.numpy as stnp
from hypothesis import HealthCheck, given, settings

import eqbrain
from eqbrain.io import _files, _safetensors

SRC = str(pathlib.Path(__file__).resolve().parents[1] / "src")
FIXED = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


class Net(eqbrain.Module):
    w: eqbrain.TrainVar
    b: eqbrain.Variable
    step: eqbrain.Variable

    def __init__(self, fill=1.0, n=6):
        super().__init__()
        self.w = eqbrain.TrainVar(jnp.full((n,), fill, jnp.float32))
        self.b = eqbrain.Variable(jnp.full((2, 3), 2 * fill, jnp.float32))
        self.step = eqbrain.Variable(jnp.asarray(int(fill), jnp.int32))


def snapshot(model):
    return {k: v.raw_value for k, v in model.vars(method="relative").items()}


def assert_unchanged(model, before):
    after = snapshot(model)
    assert after.keys() == before.keys()
    assert all(after[k] is before[k] for k in before), "a Variable was written"


def fill_of(model):
    return float(np.asarray(model.w.value)[0])


def temps(folder):
    return sorted(p for p in os.listdir(folder) if p.endswith(".eqbrain-tmp"))


# -- paths --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["str", "bytes", "pathlib", "pathlike"])
def test_paths_may_be_str_bytes_or_pathlike_on_save_and_load(tmp_path, kind):
    class Custom:
        def __init__(self, p):
            self.p = p

        def __fspath__(self):
            return self.p

    plain = str(tmp_path / "p.safetensors")
    path = {
        "str": plain,
        "bytes": os.fsencode(plain),
        "pathlib": pathlib.Path(plain),
        "pathlike": Custom(plain),
    }[kind]
    eqbrain.save(path, Net(4.0), checksum=True)
    fresh = Net(0.0)
    assert eqbrain.load(path, fresh, strict=True) == ([], [])
    assert fill_of(fresh) == 4.0
    assert sorted(eqbrain.read_state(path)) == ["b", "step", "w"]
    assert eqbrain.read_metadata(path)["format"] == "eqbrain"


def test_an_undecodable_bytes_name_round_trips(tmp_path):
    path = os.fsencode(str(tmp_path)) + b"/caf\xe9.safetensors"  # not UTF-8
    eqbrain.save(path, Net(3.0))
    assert os.path.exists(path)
    fresh = Net(0.0)
    eqbrain.load(path, fresh)
    assert fill_of(fresh) == 3.0


@pytest.mark.parametrize("empty", ["", b"", pathlib.PurePath("")], ids=["str", "bytes", "path"])
def test_an_empty_path_is_refused_and_writes_nothing(tmp_path, monkeypatch, empty):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    if isinstance(empty, pathlib.PurePath):
        empty = str(empty) if str(empty) != "." else ""
    net = Net()
    before = snapshot(net)
    calls = [
        lambda: eqbrain.save(empty, net),
        lambda: eqbrain.load(empty, net),
        lambda: eqbrain.read_state(empty),
        lambda: eqbrain.read_metadata(empty),
        lambda: eqbrain.read_brainpy(empty),
        lambda: eqbrain.load_brainpy(empty, net),
    ]
    for call in calls:
        with pytest.raises(eqbrain.CheckpointError, match="path is empty"):
            call()
    assert os.listdir(tmp_path) == ["work"] and os.listdir(work) == []
    assert_unchanged(net, before)


def test_a_path_of_another_type_is_a_type_error(tmp_path):
    with pytest.raises(TypeError, match="str, bytes or os.PathLike.*got int"):
        eqbrain.save(3, Net())  # pyright: ignore[reportArgumentType]
    with pytest.raises(TypeError, match="str, bytes or os.PathLike.*got NoneType"):
        eqbrain.load(None, Net())  # pyright: ignore[reportArgumentType]


def test_saving_over_a_folder_is_refused(tmp_path):
    (tmp_path / "d").mkdir()
    with pytest.raises(IsADirectoryError, match="over a folder"):
        eqbrain.save(tmp_path / "d", Net())
    with pytest.raises(eqbrain.CheckpointError, match="it is a folder"):
        eqbrain.load(tmp_path / "d", Net())
    assert os.listdir(tmp_path / "d") == [] and temps(tmp_path) == []


# -- permissions, owner, symlinks --------------------------------------------------------


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o444 | 0o200, 0o755])
def test_a_resave_keeps_the_mode_of_the_file_it_replaces(tmp_path, mode):
    path = tmp_path / "m.safetensors"
    eqbrain.save(path, Net(1.0))
    os.chmod(path, mode)
    inode = path.stat().st_ino
    eqbrain.save(path, Net(2.0))
    assert path.stat().st_ino != inode  # a new file ...
    assert path.stat().st_mode & 0o7777 == mode  # ... with the old one's mode
    assert fill_of(_loaded(path)) == 2.0


def _loaded(path):
    fresh = Net(0.0)
    eqbrain.load(path, fresh, strict=True)
    return fresh


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_resave_keeps_the_owner_and_group_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "o.safetensors"
    eqbrain.save(path, Net(1.0))
    os.chown(path, 12345, 23456)
    os.chmod(path, 0o2640)  # with a set-group-id bit, which a chown would clear
    eqbrain.save(path, Net(2.0))
    st = path.stat()
    assert (st.st_uid, st.st_gid) == (12345, 23456)
    assert st.st_mode & 0o7777 == 0o2640
    assert fill_of(_loaded(path)) == 2.0


def test_a_read_only_file_is_replaced_only_where_open_could_write_it(tmp_path):
    path = tmp_path / "ro.safetensors"
    eqbrain.save(path, Net(1.0))
    os.chmod(path, 0o444)
    could_open = os.access(path, os.W_OK)  # root may write any file; others may not
    if could_open:
        eqbrain.save(path, Net(2.0))
        assert fill_of(_loaded(path)) == 2.0
    else:
        with pytest.raises(PermissionError, match="not writable"):
            eqbrain.save(path, Net(2.0))
        assert fill_of(_loaded(path)) == 1.0
    assert path.stat().st_mode & 0o777 == 0o444 and temps(tmp_path) == []


def test_saving_through_a_symlink_writes_the_file_it_points_to(tmp_path):
    real_dir = tmp_path / "store"
    real_dir.mkdir()
    target = real_dir / "net.safetensors"
    eqbrain.save(target, Net(1.0))
    os.chmod(target, 0o600)
    link = tmp_path / "latest.safetensors"
    link.symlink_to(os.path.relpath(target, tmp_path))
    chain = tmp_path / "chain.safetensors"
    chain.symlink_to(link.name)
    eqbrain.save(chain, Net(2.0))
    assert link.is_symlink() and chain.is_symlink()
    assert os.readlink(link) == os.path.relpath(target, tmp_path)
    assert fill_of(_loaded(target)) == 2.0  # the target has the new data, as open() does
    assert fill_of(_loaded(link)) == 2.0
    assert target.stat().st_mode & 0o777 == 0o600
    assert temps(tmp_path) == [] and temps(real_dir) == []


def test_saving_through_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.safetensors"
    link.symlink_to("made.safetensors")
    eqbrain.save(link, Net(5.0))
    assert link.is_symlink() and (tmp_path / "made.safetensors").is_file()
    assert fill_of(_loaded(tmp_path / "made.safetensors")) == 5.0


# -- debris --------------------------------------------------------------------------------


def _make_temp(folder, name="x.safetensors", pid=99999, token="0123456789ab"):
    path = _files.temp_name(str(folder), name, pid, token)
    pathlib.Path(path).write_bytes(b"half a checkpoint")
    return path


def test_a_save_removes_dead_temporaries_and_keeps_live_ones_and_foreign_files(tmp_path):
    dead = _make_temp(tmp_path, token="aaaaaaaaaaaa")
    dead_dir = _files.temp_name(str(tmp_path), "ck", 4242, "bbbbbbbbbbbb")
    os.makedirs(os.path.join(dead_dir, "new", "d"))
    live = _make_temp(tmp_path, token="cccccccccccc")
    holder = os.open(live, os.O_RDONLY)  # as a live save in another process holds it
    fcntl.flock(holder, fcntl.LOCK_EX)
    foreign = [".x.safetensors.tmp", ".x.1.0123456789ab.tmp", "notes.eqbrain-tmp", "a.txt"]
    for name in foreign:
        (tmp_path / name).write_text("user data")
    (tmp_path / ".l.1.dddddddddddd.eqbrain-tmp").symlink_to("a.txt")
    try:
        eqbrain.save(tmp_path / "x.safetensors", Net())
        assert not os.path.exists(dead) and not os.path.exists(dead_dir)
        assert os.path.exists(live)
        for name in foreign:
            assert (tmp_path / name).read_text() == "user data"
        assert (tmp_path / ".l.1.dddddddddddd.eqbrain-tmp").is_symlink()
    finally:
        os.close(holder)
    eqbrain.save(tmp_path / "other.safetensors", Net())  # the owner is gone now
    assert not os.path.exists(live)


_STALL = """
import sys, time
import jax.numpy as jnp
import eqbrain
from eqbrain.io import _safetensors

class Big(eqbrain.Module):
    w: eqbrain.Variable
    def __init__(self, fill):
        super().__init__()
        self.w = eqbrain.Variable(jnp.full((1 << 18,), fill, jnp.float32))

real = _safetensors._chunks
def stalling(header, arrays):
    for i, chunk in enumerate(real(header, arrays)):
        yield chunk
        if i == 0:
            print("half", flush=True)
            time.sleep(600)
_safetensors._chunks = stalling
eqbrain.save(sys.argv[1], Big(float(sys.argv[2])))
"""


def _python(tmp_path, script, *args):
    file = tmp_path / f"script_{abs(hash(script))}.py"
    file.write_text(textwrap.dedent(script))
    env = dict(os.environ, PYTHONPATH=SRC, JAX_PLATFORMS="cpu")
    return subprocess.Popen(
        [sys.executable, str(file), *map(str, args)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )


def _kill(proc):
    proc.kill()
    proc.wait()
    proc.stdout.close()


def test_killed_savers_temporaries_go_with_the_next_save_and_live_ones_stay(tmp_path):
    path = tmp_path / "net.safetensors"
    eqbrain.save(path, Net(1.0))
    a = _python(tmp_path, _STALL, path, 7.0)
    b = _python(tmp_path, _STALL, path, 8.0)
    assert a.stdout is not None and b.stdout is not None
    try:
        assert a.stdout.readline().strip() == "half"
        assert b.stdout.readline().strip() == "half"
        both = temps(tmp_path)
        assert len(both) == 2
        os.kill(a.pid, signal.SIGKILL)
        a.wait()
        eqbrain.save(path, Net(2.0))  # removes a's temporary, keeps b's: b is alive
        left = temps(tmp_path)
        assert len(left) == 1 and f".{b.pid}." in left[0]
    finally:
        _kill(a)
        _kill(b)
    assert fill_of(_loaded(path)) == 2.0
    eqbrain.save(tmp_path / "other.safetensors", Net(3.0))
    assert temps(tmp_path) == []


# -- files that change under a reader ----------------------------------------------------


def _hook_after_first_tensor(monkeypatch, action):
    real = _safetensors._fill
    calls = []

    def hooked(path, f, key, out, hasher):
        real(path, f, key, out, hasher)
        calls.append(key)
        if len(calls) == 1:
            action()

    monkeypatch.setattr(_safetensors, "_fill", hooked)
    return calls


@pytest.mark.parametrize("reader", ["load", "read_state"])
def test_a_file_truncated_while_being_read_raises_and_loads_nothing(tmp_path, monkeypatch, reader):
    path = tmp_path / "t.safetensors"
    eqbrain.save(path, Net(1.0, n=1000))
    size = path.stat().st_size
    _hook_after_first_tensor(monkeypatch, lambda: os.truncate(path, size - 100))
    net = Net(0.0, n=1000)
    before = snapshot(net)
    with pytest.raises(eqbrain.CheckpointError) as e:
        eqbrain.load(path, net) if reader == "load" else eqbrain.read_state(path)
    msg = str(e.value)
    assert str(path) in msg and "truncated while being read" in msg and "'b'" in msg
    assert_unchanged(net, before)


def test_a_file_rewritten_in_place_while_being_read_raises(tmp_path, monkeypatch):
    path = tmp_path / "t.safetensors"
    eqbrain.save(path, Net(1.0))
    raw = path.read_bytes()
    os.utime(path, ns=(10**18, 10**18))  # an old time stamp: any write changes it

    def rewrite():
        with open(path, "r+b") as f:  # same size, other data, same inode
            f.seek(len(raw) - 4)
            f.write(b"\xff" * 4)

    _hook_after_first_tensor(monkeypatch, rewrite)
    net = Net(0.0)
    before = snapshot(net)
    with pytest.raises(eqbrain.CheckpointError, match="changed while it was being read"):
        eqbrain.load(path, net)
    assert_unchanged(net, before)


def test_a_file_replaced_by_a_save_while_being_read_gives_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "t.safetensors"
    eqbrain.save(path, Net(1.0))
    calls = _hook_after_first_tensor(monkeypatch, lambda: eqbrain.save(path, Net(9.0)))
    fresh = Net(0.0)
    eqbrain.load(path, fresh, strict=True)
    assert calls and fill_of(fresh) == 1.0 and float(fresh.b.value[0, 0]) == 2.0
    assert float(eqbrain.read_state(path)["w"][0]) == 9.0


_READER = """
import sys
import numpy as np
import eqbrain
path, rounds = sys.argv[1], int(sys.argv[2])
ok = errors = 0
for i in range(rounds):
    try:
        state = eqbrain.read_state(path)
    except eqbrain.CheckpointError as e:
        assert path in str(e), e
        errors += 1
    except FileNotFoundError:
        errors += 1
    else:
        w = state["w"]
        assert w.shape == (1 << 18,) and np.all(w == 1.0), w[:4]
        ok += 1
print(ok, errors, flush=True)
"""


def test_concurrent_truncation_never_crashes_the_reader(tmp_path):
    # Before, the reader mapped the file, and a truncation underneath it was a SIGBUS.
    path = tmp_path / "c.safetensors"
    eqbrain.save(path, Net(1.0, n=1 << 18))
    raw = path.read_bytes()
    proc = _python(tmp_path, _READER, path, 300)
    rng = np.random.default_rng(0)
    try:
        while proc.poll() is None:
            with open(path, "r+b") as f:  # in place: truncate, then write whole again
                f.truncate(int(rng.integers(0, len(raw))))
                time.sleep(0.002)
                f.seek(0)
                f.write(raw)
            time.sleep(0.002)
        out, _ = proc.communicate(timeout=60)
    finally:
        _kill(proc)
    assert proc.returncode == 0, f"the reader died with {proc.returncode}"
    ok, errors = map(int, out.split())
    assert ok + errors == 300 and errors > 0


# -- hostile headers -----------------------------------------------------------------------


def _file(tmp_path, header, data=b"", name="hostile.safetensors"):
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    path = tmp_path / name
    path.write_bytes(len(raw).to_bytes(8, "little") + raw + data)
    return path


def _refused(path, *fragments):
    """Every reader refuses `path` with a CheckpointError naming it and `fragments`."""
    net = Net()
    before = snapshot(net)
    for read in (eqbrain.read_state, eqbrain.read_metadata, lambda p: eqbrain.load(p, net)):
        with pytest.raises(eqbrain.CheckpointError) as e:
            read(path)
        msg = str(e.value)
        assert str(path) in msg, msg
        for fragment in fragments:
            assert fragment in msg, msg
    assert_unchanged(net, before)


def entry(dtype="F32", shape=(2,), offsets=(0, 8)):
    return {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets)}


@pytest.mark.parametrize(
    "header, data, fragments",
    [
        ({"w": entry(shape=[0, 2**70], offsets=[0, 0])}, b"", ["'w'", "shape"]),
        ({"w": entry(shape=[0, 2**62, 2**62], offsets=[0, 0])}, b"", ["'w'", "inconsistent"]),
        ({"w": entry(shape=[1] * 70, offsets=[0, 4])}, bytes(4), ["'w'", "at most 64"]),
        ({"w": entry(shape=[-1], offsets=[0, 0])}, b"", ["'w'", "shape"]),
        ({"w": entry(shape=[True], offsets=[0, 4])}, bytes(4), ["'w'", "shape"]),
        ({"w": entry(shape=[2.0], offsets=[0, 8])}, bytes(8), ["'w'", "shape"]),
        ({"w": entry(shape="ab")}, bytes(8), ["'w'", "shape"]),
        ({"w": entry(dtype="F128")}, bytes(8), ["'w'", "dtype 'F128'"]),
        ({"w": entry(dtype=["F32"])}, bytes(8), ["'w'", "dtype"]),  # pyright: ignore[reportArgumentType]
        ({"w": entry(offsets=[0, 8, 9])}, bytes(8), ["'w'", "data_offsets"]),
        ({"w": entry(offsets=[8, 0])}, bytes(8), ["'w'", "inconsistent"]),
        ({"w": entry(offsets=[-8, 0])}, bytes(8), ["'w'", "data_offsets"]),
        ({"w": entry(offsets=[0, 2**80])}, bytes(8), ["'w'", "data_offsets"]),
        ({"w": entry(offsets=[4, 12])}, bytes(12), ["'w'", "starts at byte 4"]),
        ({"w": entry()}, bytes(9), ["8 bytes of data but the file holds 9"]),
        ({"w": [1, 2]}, bytes(8), ["'w'", "not a JSON object"]),
        ({"w": None}, b"", ["'w'", "not a JSON object"]),
        ({"w": {"shape": [2]}}, bytes(8), ["'w'", "dtype None"]),
        ({"__metadata__": {"a": 1}}, b"", ["__metadata__"]),
        ({"__metadata__": ["a"]}, b"", ["__metadata__"]),
        ([1, 2, 3], b"", ["JSON list, not an object"]),
        ("text", b"", ["JSON str, not an object"]),
        (b"[" * 100_000 + b"]" * 100_000, b"", ["nests JSON too deeply"]),
        (b'{"w": ' + b"7" * 5000 + b"}", b"", ["integer of 5000 digits"]),
        (b'{"w": {"data_offsets": [0, ' + b"1" * 101 + b"]}}", b"", ["integer of 101 digits"]),
        (b'{"w": 1e999999}', b"", ["'w'", "not a JSON object"]),
        (b'{"w": {"dtype": "F32"}, "w": {}}', b"", ["'w' twice"]),
        (b"\xff\xfe{}", b"", ["not UTF-8"]),
        (b"{}garbage", b"", ["not valid JSON"]),
        (b"", b"", ["not valid JSON"]),
    ],
)
def test_hostile_headers_are_refused_naming_the_file_and_key(tmp_path, header, data, fragments):
    _refused(_file(tmp_path, header, data), *fragments)


def test_long_integers_are_refused_even_where_python_would_convert_them(tmp_path):
    # With Python's own limit lifted, a long digit string would take quadratic time.
    path = _file(tmp_path, b'{"w": {"shape": [' + b"9" * 100_000 + b"]}}")
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        _refused(path, "integer of 100000 digits")
    finally:
        sys.set_int_max_str_digits(old)


def test_a_pipe_is_refused_as_not_a_regular_file(tmp_path):
    r, w = os.pipe()
    try:
        os.write(w, b"12345678{}")
        os.close(w)
        w = -1
        path = f"/proc/self/fd/{r}"
        if not os.path.exists(path):
            pytest.skip("no /proc/self/fd on this system")
        for read in (eqbrain.read_state, eqbrain.read_metadata):
            with pytest.raises(eqbrain.CheckpointError, match="not a regular file") as e:
                read(path)
            assert path in str(e.value)
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)


def test_a_huge_header_length_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.safetensors"
    path.write_bytes((2**63).to_bytes(8, "little") + b"{}")
    _refused(path, "header claims")


def test_many_zero_size_tensors_load_in_bounded_memory(tmp_path):
    header = {f"t{i}": entry(shape=[0, 3], offsets=[0, 0]) for i in range(20_000)}
    state = eqbrain.read_state(_file(tmp_path, header))
    assert len(state) == 20_000 and state["t7"].shape == (0, 3)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True)
    | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=12,
)
entries = st.fixed_dictionaries(
    {},
    optional={
        "dtype": st.sampled_from(["F32", "I64", "BOOL", "BF16", "F8_E4M3", "X", ""]) | json_values,
        "shape": st.lists(st.integers(-2, 2**65) | json_values, max_size=70) | json_values,
        "data_offsets": st.lists(st.integers(-2, 2**65), max_size=3) | json_values,
    },
)


@settings(FIXED, max_examples=150)
@given(
    header=st.dictionaries(
        st.sampled_from(["w", "b", "step", "__metadata__", "x.y", ""]) | st.text(max_size=5),
        entries | json_values,
        max_size=4,
    ),
    data=st.binary(max_size=64),
)
def test_hostile_headers_property(tmp_path, header, data):
    path = _file(tmp_path, header, data)
    net = Net()
    before = snapshot(net)
    try:
        state = eqbrain.read_state(path)
    except eqbrain.CheckpointError as e:
        assert str(path) in str(e)
        with pytest.raises(eqbrain.CheckpointError, match="hostile.safetensors"):
            eqbrain.load(path, net, warn=False)
        assert_unchanged(net, before)
    else:  # a valid file after all: every reader agrees with safetensors itself
        theirs = stnp.load_file(str(path))
        assert state.keys() == theirs.keys()
        for k in state:
            assert state[k].dtype == theirs[k].dtype
            np.testing.assert_array_equal(state[k], theirs[k])


# -- checksums -------------------------------------------------------------------------------


def test_checksummed_file_is_plain_safetensors_and_round_trips(tmp_path):
    path = tmp_path / "c.safetensors"
    eqbrain.save(path, Net(3.0), checksum=True)
    data = stnp.load_file(str(path))  # any safetensors reader opens it
    assert sorted(data) == ["b", "step", "w"]
    sums = eqbrain.read_metadata(path)["checksums"]
    assert list(sums) == ["xxh3_64"] and sorted(sums["xxh3_64"]) == ["b", "step", "w"]
    import xxhash

    assert sums["xxh3_64"]["w"] == xxhash.xxh3_64_hexdigest(data["w"].tobytes())
    assert fill_of(_loaded(path)) == 3.0


def _data_start(path):
    raw = path.read_bytes()
    return 8 + int.from_bytes(raw[:8], "little"), raw


@settings(FIXED, max_examples=40)
@given(position=st.integers(0, 10**6), bit=st.integers(0, 7))
def test_a_flipped_bit_in_the_data_is_detected_with_checksums(tmp_path, position, bit):
    path = tmp_path / "c.safetensors"
    eqbrain.save(path, Net(3.0, n=100), checksum=True)
    start, raw = _data_start(path)
    i = start + position % (len(raw) - start)
    raw = bytearray(raw)
    raw[i] ^= 1 << bit
    path.write_bytes(bytes(raw))
    key = [k for k, v in json.loads(raw[8:start]).items() if k != "__metadata__" and
           v["data_offsets"][0] <= i - start < v["data_offsets"][1]][0]  # fmt: skip
    net = Net(0.0, n=100)
    before = snapshot(net)
    with pytest.raises(eqbrain.CheckpointError) as e:
        eqbrain.load(path, net)
    msg = str(e.value)
    assert str(path) in msg and f"{key!r}" in msg and "does not match its xxh3_64 checksum" in msg
    assert_unchanged(net, before)
    with pytest.raises(eqbrain.CheckpointError, match="checksum"):
        eqbrain.read_state(path)


def test_without_checksums_a_flipped_bit_loads_silently(tmp_path):
    # The documented limit: plain safetensors has no checksum.
    path = tmp_path / "p.safetensors"
    eqbrain.save(path, Net(3.0))
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0x01
    path.write_bytes(bytes(raw))
    eqbrain.read_state(path)


def _with_metadata(tmp_path, change):
    path = tmp_path / "c.safetensors"
    eqbrain.save(path, Net(3.0), checksum=True)
    start, raw = _data_start(path)
    header = json.loads(raw[8:start])
    change(header["__metadata__"])
    return _file(tmp_path, header, raw[start:], name="tampered.safetensors")


@pytest.mark.parametrize(
    "change, fragment",
    [
        (lambda m: m.update(checksums='{"md5": {}}'), "cannot verify"),
        (lambda m: m.update(checksums='{"xxh3_64": {"w": "0"}}'), "'b' has no checksum"),
        (lambda m: m.update(checksums="{not json"), "not valid JSON"),
        (lambda m: m.update(checksums='{"xxh3_64": {"w": 1}}'), "{algorithm: {key: digest}}"),
        (lambda m: m.update(checksums="[]"), "{algorithm: {key: digest}}"),
        (
            lambda m: m.update(checksums=m["checksums"].replace('{"w"', '{"zz":"00","w"', 1)),
            "'zz', which the file lacks",
        ),
    ],
)
def test_malformed_checksums_are_refused(tmp_path, change, fragment):
    _refused(_with_metadata(tmp_path, change), fragment)


# -- BrainPy files -----------------------------------------------------------------------------


def _pack(x):
    """A minimal msgpack encoder for the BrainPy tests (maps, str, ints, bin, ext)."""
    if isinstance(x, dict):
        return bytes([0x80 | len(x)]) + b"".join(_pack(k) + _pack(v) for k, v in x.items())
    if isinstance(x, str):
        b = x.encode()
        return bytes([0xA0 | len(b)]) + b
    if isinstance(x, int) and 0 <= x < 128:
        return bytes([x])
    if isinstance(x, bytes):
        return b"\xc6" + len(x).to_bytes(4, "big") + x
    if isinstance(x, list):
        return bytes([0x90 | len(x)]) + b"".join(_pack(v) for v in x)
    if isinstance(x, tuple) and x[0] == "ext":
        return b"\xc9" + len(x[2]).to_bytes(4, "big") + bytes([x[1]]) + x[2]
    raise TypeError(x)


def _array(a):
    return ("ext", 1, _pack([list(a.shape), str(a.dtype), a.tobytes()]))


@pytest.mark.parametrize(
    "tree, fragments",
    [
        ({1: {"w": _array(np.zeros(2, np.float32))}}, ["node name 1", "int"]),
        ({"Net0": {7: _array(np.zeros(2, np.float32))}}, ["'Net0'", "key 7"]),
        ({"Net0": [1, 2]}, ["'Net0' holds a list, not a mapping"]),
        ({"Net0": {"Net0.w": "text"}}, ["'Net0'/'Net0.w'", "str, not a numeric array"]),
        ([1, 2], ["top level is a list"]),
    ],
)
def test_brainpy_files_of_another_shape_are_refused_naming_file_and_key(tmp_path, tree, fragments):
    path = tmp_path / "other.bp"
    path.write_bytes(_pack(tree))
    net = Net()
    before = snapshot(net)
    with pytest.raises(eqbrain.BrainPyFormatError) as e:
        eqbrain.load_brainpy(path, net)
    msg = str(e.value)
    assert str(path) in msg and all(f in msg for f in fragments), msg
    assert "got dict" not in msg
    assert_unchanged(net, before)


def test_brainpy_extension_objects_nested_too_deeply_are_refused(tmp_path):
    inner = _array(np.zeros(1, np.float32))
    for _ in range(3000):  # each level an extension object holding the next
        inner = ("ext", 1, _pack([[1], "float32", inner]))
    path = tmp_path / "deep.bp"
    path.write_bytes(_pack({"Net0": {"w": inner}}))
    with pytest.raises(eqbrain.BrainPyFormatError, match="deep.bp.*nesting deeper than 100"):
        eqbrain.read_brainpy(path)


def test_brainpy_format_error_is_a_checkpoint_error():
    assert issubclass(eqbrain.BrainPyFormatError, eqbrain.CheckpointError)
    assert issubclass(eqbrain.CheckpointError, ValueError)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_without_a_writer_is_refused_at_once(tmp_path):
    # Opening a FIFO for reading blocks until a writer comes: every reader must refuse
    # it instead of hanging (run in a thread, so a regression fails instead of hanging).
    import threading

    fifo = tmp_path / "net.safetensors"
    os.mkfifo(fifo)
    net = Net()
    before = {k: np.asarray(v.value) for k, v in net.vars().items()}
    readers = [
        ("load", lambda: eqbrain.load(fifo, net), eqbrain.CheckpointError),
        ("read_state", lambda: eqbrain.read_state(fifo), eqbrain.CheckpointError),
        ("read_metadata", lambda: eqbrain.read_metadata(fifo), eqbrain.CheckpointError),
        ("read_brainpy", lambda: eqbrain.read_brainpy(fifo), eqbrain.BrainPyFormatError),
    ]
    for name, read, error in readers:
        caught: list[BaseException] = []

        def target(read=read, caught=caught):
            try:
                read()
            except BaseException as e:  # noqa: BLE001 - handed to the main thread
                caught.append(e)

        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        thread.join(timeout=20)
        if thread.is_alive():  # release the blocked open() so the thread can end
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            pytest.fail(f"{name} hung on a named pipe")
        assert len(caught) == 1 and isinstance(caught[0], error), (name, caught)
        assert "not a regular file" in str(caught[0]) and str(fifo) in str(caught[0])
    assert all(np.array_equal(before[k], v.value) for k, v in net.vars().items())
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # the pipe itself is left alone
