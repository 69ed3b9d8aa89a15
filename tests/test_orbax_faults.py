"""The orbax backend under faults: killed saves (with `force=True` too), damaged
folders, symlinks, path types, and several JAX processes."""

import gc
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import textwrap

import jax.numpy as jnp
import numpy as np
import pytest

pytest.importorskip("orbax.checkpoint")

import eqbrain  # noqa: E402
from eqbrain.io import _files  # noqa: E402

SRC = str(pathlib.Path(__file__).resolve().parents[1] / "src")
N = 50_000

# A failed orbax read leaves asyncio tasks whose exceptions nobody retrieves; they are
# reported when the garbage collector finds them. Collect them here, inside the test
# that caused them, instead of in whichever test runs next.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(autouse=True)
def _collect_orbax_leftovers():
    yield
    gc.collect()


class Net(eqbrain.Module):
    w: eqbrain.TrainVar
    step: eqbrain.Variable

    def __init__(self, fill=1.0):
        super().__init__()
        self.w = eqbrain.TrainVar(jnp.full((N,), fill, jnp.float32) + jnp.sin(jnp.arange(N)))
        self.step = eqbrain.Variable(jnp.asarray(int(fill), jnp.int32))


def step_of(directory):
    fresh = Net(0.0)
    eqbrain.load_orbax(directory, fresh, strict=True)
    np.testing.assert_array_equal(
        np.asarray(fresh.w.value), np.asarray(Net(float(fresh.step.value)).w.value)
    )  # the array and the step come from one and the same save
    return int(fresh.step.value)


def temps(folder):
    return sorted(p for p in os.listdir(folder) if p.endswith(".eqbrain-tmp"))


# -- killed saves ----------------------------------------------------------------------------

_SAVER = """
import os, sys, time
import jax.numpy as jnp
import eqbrain
from eqbrain.io import _files, _orbax

N = 50_000
class Net(eqbrain.Module):
    w: eqbrain.TrainVar
    step: eqbrain.Variable
    def __init__(self, fill=1.0):
        super().__init__()
        self.w = eqbrain.TrainVar(jnp.full((N,), fill, jnp.float32) + jnp.sin(jnp.arange(N)))
        self.step = eqbrain.Variable(jnp.asarray(int(fill), jnp.int32))

def stall(what):
    print(what, flush=True)
    time.sleep(600)

mode, d = sys.argv[1], sys.argv[2]
real_swap = _orbax.swap_in
if mode == "before-swap":  # the new checkpoint is complete in the staging folder
    _orbax.swap_in = lambda *a: stall("ready")
elif mode == "after-swap":  # swapped in; the old one waits in the staging folder
    def swapped(*a):
        real_swap(*a)
        stall("ready")
    _orbax.swap_in = swapped
elif mode == "between-renames":  # no RENAME_EXCHANGE: the old one moved aside, no new yet
    _files.exchange = lambda a, b: False
    real_rename = os.rename
    def rename(src, dst):
        real_rename(src, dst)
        if os.path.basename(dst) == "old":
            stall("ready")
    _files.os.rename = rename
if mode == "loop":
    k = 1
    while True:
        k += 1
        eqbrain.save_orbax(d + "/ck", Net(float(k)), force=True)
        print(k, flush=True)
else:
    eqbrain.save_orbax(d + "/ck", Net(2.0), force=True)
    print("finished", flush=True)
"""


def _spawn(script, *args):
    env = dict(os.environ, PYTHONPATH=SRC, JAX_PLATFORMS="cpu")
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )


def _kill(proc):
    proc.kill()
    proc.wait()
    proc.stdout.close()


def test_save_orbax_killed_at_every_step_leaves_a_whole_checkpoint(tmp_path):
    modes = ["before-swap", "after-swap", "between-renames", "loop"]
    for mode in modes:
        (tmp_path / mode).mkdir()
        eqbrain.save_orbax(tmp_path / mode / "ck", Net(1.0))
    procs = {mode: _spawn(_SAVER, mode, tmp_path / mode) for mode in modes}
    rng = np.random.default_rng()
    try:
        for mode, proc in procs.items():
            if mode == "loop":
                continue
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready", mode
            os.kill(proc.pid, signal.SIGKILL)
        # The loop is killed at a random moment after its third completed save.
        loop = procs["loop"]
        assert loop.stdout is not None
        done = [int(loop.stdout.readline()) for _ in range(2)]
        assert done == [2, 3]
        loop_dir = tmp_path / "loop"
        os.set_blocking(loop.stdout.fileno(), False)
        deadline = rng.uniform(0.0, 0.5)
        import time

        time.sleep(deadline)
        os.kill(loop.pid, signal.SIGKILL)
        loop.wait()
        tail = loop.stdout.read() or ""
        last = max([3] + [int(x) for x in tail.split()])
    finally:
        for proc in procs.values():
            _kill(proc)

    before = tmp_path / "before-swap"
    assert len(temps(before)) == 1 and step_of(before / "ck") == 1
    after = tmp_path / "after-swap"
    assert len(temps(after)) == 1 and step_of(after / "ck") == 2
    between = tmp_path / "between-renames"
    assert not (between / "ck").exists() and len(temps(between)) == 1
    assert step_of(between / "ck") == 1  # the load put the old checkpoint back
    assert temps(between) == []
    assert step_of(loop_dir / "ck") in (last, last + 1)  # the last finished save or the next

    for folder in (before, after, loop_dir):  # the next save clears the debris
        eqbrain.save_orbax(folder / "ck", Net(5.0), force=True)
        assert temps(folder) == [] and sorted(os.listdir(folder)) == ["ck"]
        assert step_of(folder / "ck") == 5


def test_a_save_after_a_kill_between_renames_restores_then_replaces(tmp_path):
    # What the sweep of the next save finds when a save without RENAME_EXCHANGE was
    # killed between its two renames: the old checkpoint under old/ in its folder.
    eqbrain.save_orbax(tmp_path / "ck", Net(1.0))
    staging = _files.temp_name(str(tmp_path), "ck", 4242, "abcdefabcdef")
    os.mkdir(staging)
    pathlib.Path(staging, _files.TARGET_FILE).write_text("ck")
    os.rename(tmp_path / "ck", os.path.join(staging, _files.OLD))
    assert _files.sweep(str(tmp_path)) == [os.path.basename(staging)]
    assert step_of(tmp_path / "ck") == 1 and temps(tmp_path) == []


def test_force_false_keeps_an_existing_checkpoint(tmp_path):
    eqbrain.save_orbax(tmp_path / "ck", Net(1.0))
    with pytest.raises(FileExistsError, match="force=True"):
        eqbrain.save_orbax(tmp_path / "ck", Net(2.0))
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError, match="over a file"):
        eqbrain.save_orbax(tmp_path / "file", Net(2.0), force=True)
    assert step_of(tmp_path / "ck") == 1 and temps(tmp_path) == []


def test_paths_symlinks_and_empty_paths(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    eqbrain.save_orbax(os.fsencode(str(store / "ck")), Net(1.0))  # bytes
    link = tmp_path / "latest"
    link.symlink_to(store / "ck")
    eqbrain.save_orbax(link, Net(2.0), force=True)  # through the link, as open() would
    assert link.is_symlink() and os.readlink(link) == str(store / "ck")
    assert step_of(os.fsencode(str(link))) == 2 and step_of(store / "ck") == 2
    assert temps(tmp_path) == [] and temps(store) == []
    for call in (
        lambda: eqbrain.save_orbax("", Net()),
        lambda: eqbrain.load_orbax(b"", Net()),
    ):
        with pytest.raises(eqbrain.CheckpointError, match="path is empty"):
            call()


# -- damaged folders -------------------------------------------------------------------------


def _data_files(d):
    return [p for p in pathlib.Path(d).rglob("*") if p.is_file() and p.parent.name == "d"]


def _truncate_largest(d):
    biggest = max(_data_files(d), key=lambda p: p.stat().st_size)
    os.truncate(biggest, biggest.stat().st_size // 2)


@pytest.mark.parametrize(
    "damage, fragment",
    [
        (lambda d: os.remove(d / "_METADATA"), "no array metadata"),
        (lambda d: (d / "_METADATA").write_text("garbage"), "no array metadata"),
        (lambda d: (d / "_METADATA").write_text("{}"), "metadata cannot be read"),
        (lambda d: [os.truncate(p, 10) for p in _data_files(d)], "ck"),
        (_truncate_largest, "cannot be read"),
        (lambda d: [shutil.rmtree(p) for p in d.iterdir() if p.is_dir()], "ck"),
        (lambda d: [p.unlink() for p in d.iterdir() if p.is_file()], "ck"),
    ],
    ids=[
        "no-metadata",
        "garbage-metadata",
        "empty-metadata",
        "all-data",
        "big-data",
        "no-folders",
        "no-files",
    ],  # fmt: skip
)
def test_a_damaged_checkpoint_is_a_checkpoint_error_naming_it(tmp_path, damage, fragment):
    eqbrain.save_orbax(tmp_path / "ck", Net(1.0))
    damage(tmp_path / "ck")
    net = Net(0.0)
    before = {k: v.raw_value for k, v in net.vars(method="relative").items()}
    with pytest.raises(eqbrain.CheckpointError) as e:
        eqbrain.load_orbax(tmp_path / "ck", net)
    msg = str(e.value)
    assert str(tmp_path / "ck") in msg and fragment in msg and "Nothing was loaded" in msg
    assert all(v.raw_value is before[k] for k, v in net.vars(method="relative").items())


def test_a_truncated_data_file_names_the_key(tmp_path):
    eqbrain.save_orbax(tmp_path / "ck", Net(1.0))
    _truncate_largest(tmp_path / "ck")
    with pytest.raises(eqbrain.CheckpointError, match=r"the data of 'w' cannot be read"):
        eqbrain.load_orbax(tmp_path / "ck", Net(0.0))


def test_an_empty_or_foreign_folder_is_a_checkpoint_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(eqbrain.CheckpointError, match="empty"):
        eqbrain.load_orbax(tmp_path / "empty", Net())
    with pytest.raises(FileNotFoundError, match="No orbax checkpoint"):
        eqbrain.load_orbax(tmp_path / "missing", Net())


# -- several JAX processes -----------------------------------------------------------------

_MULTI = """
import sys
import jax
jax.config.update("jax_cpu_collectives_implementation", "gloo")
rank, port, d = int(sys.argv[1]), sys.argv[2], sys.argv[3]
jax.distributed.initialize(f"127.0.0.1:{port}", num_processes=2, process_id=rank)
import numpy as np, jax.numpy as jnp
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
import eqbrain

mesh = Mesh(np.array(jax.devices()), ("x",))
class Net(eqbrain.Module):
    w: eqbrain.TrainVar
    def __init__(self, fill):
        super().__init__()
        full = np.arange(8.0, dtype=np.float32) + fill
        self.w = eqbrain.TrainVar(jax.make_array_from_callback(
            (8,), NamedSharding(mesh, P("x")), lambda i: full[i]))

eqbrain.save_orbax(d + "/ck", Net(1.0))
eqbrain.save_orbax(d + "/ck", Net(2.0), force=True)
print("ok", flush=True)
"""


@pytest.mark.slow
def test_save_orbax_from_two_jax_processes(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    procs = [_spawn(_MULTI, rank, port, tmp_path) for rank in (0, 1)]
    try:
        outs = [p.communicate(timeout=240)[0] for p in procs]
    finally:
        for p in procs:
            p.kill()
            p.wait()
    assert [p.returncode for p in procs] == [0, 0]
    assert [o.split()[-1:] for o in outs] == [["ok"], ["ok"]]
    assert sorted(os.listdir(tmp_path)) == ["ck"]
    state = {}

    class One(eqbrain.Module):
        w: eqbrain.TrainVar

        def __init__(self):
            super().__init__()
            self.w = eqbrain.TrainVar(jnp.zeros(8))

    one = One()
    eqbrain.load_orbax(tmp_path / "ck", one, strict=True)
    state["w"] = np.asarray(one.w.value)
    np.testing.assert_array_equal(state["w"], np.arange(8.0) + 2.0)
