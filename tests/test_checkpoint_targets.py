"""What a save must not replace (pipes, sockets, devices, through links too), and the
errors of a write that fails (a full disk, a file size limit): they name the path, keep
the OSError's errno, and leave the earlier checkpoint intact."""

import errno
import json
import os
import pathlib
import signal
import socket
import stat
import subprocess
import sys
import textwrap

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain.io import _safetensors

SRC = str(pathlib.Path(__file__).resolve().parents[1] / "src")
NO_FSIZE = pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="no RLIMIT_FSIZE")
HAS_ORBAX = True
try:
    import orbax.checkpoint  # noqa: F401
except ImportError:  # pragma: no cover - depends on the environment
    HAS_ORBAX = False


class Net(eqbrain.Module):
    w: eqbrain.TrainVar

    def __init__(self, fill=1.0, n=6):
        super().__init__()
        self.w = eqbrain.TrainVar(jnp.sin(jnp.arange(n, dtype=jnp.float32)) + fill)


def fill_of(path):
    fresh = Net(0.0)
    eqbrain.load(path, fresh, strict=True)
    return round(float(np.asarray(fresh.w.value)[0]), 3)


def temps(folder):
    return sorted(p for p in os.listdir(folder) if p.endswith(".eqbrain-tmp"))


# -- special files -------------------------------------------------------------------


def _fifo(folder):
    os.mkfifo(folder / "special")
    return folder / "special", "a named pipe (FIFO)"


def _socket(folder):
    # A relative name: the full temporary path may pass the 108 bytes a socket allows.
    s = socket.socket(socket.AF_UNIX)
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        s.bind("special")
    finally:
        os.chdir(cwd)
    s.close()  # the socket file stays
    return folder / "special", "a socket"


SPECIALS = [
    pytest.param(_fifo, marks=pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")),
    pytest.param(
        _socket, marks=pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no sockets")
    ),
]


def _fingerprint(path):
    st = os.lstat(path)
    return stat.S_IFMT(st.st_mode), st.st_ino


@pytest.mark.parametrize("make", SPECIALS)
@pytest.mark.parametrize("via", ["direct", "symlink", "chain"])
def test_save_refuses_a_pipe_or_socket_and_writes_nothing(tmp_path, make, via):
    special, words = make(tmp_path)
    path = special
    if via != "direct":
        path = tmp_path / "link.safetensors"
        path.symlink_to(special.name)
    if via == "chain":
        path = tmp_path / "chain.safetensors"
        path.symlink_to("link.safetensors")
    before = _fingerprint(special)
    listing = sorted(os.listdir(tmp_path))
    with pytest.raises(eqbrain.CheckpointError) as info:
        eqbrain.save(path, Net())
    message = str(info.value)
    assert str(path) in message and words in message and "not a regular file" in message
    assert "Nothing was written" in message
    if via != "direct":
        assert str(special) in message  # where the link leads
    assert _fingerprint(special) == before  # the very same pipe or socket
    assert sorted(os.listdir(tmp_path)) == listing and temps(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_save_refuses_a_pipe_that_appears_while_it_writes(tmp_path, monkeypatch):
    path = tmp_path / "net.safetensors"
    real = _safetensors._chunks

    def chunks(header, arrays):
        yield from real(header, arrays)
        os.mkfifo(path)  # another program made a pipe there meanwhile

    monkeypatch.setattr(_safetensors, "_chunks", chunks)
    with pytest.raises(eqbrain.CheckpointError, match="named pipe"):
        eqbrain.save(path, Net())
    assert stat.S_ISFIFO(os.lstat(path).st_mode)
    assert os.listdir(tmp_path) == ["net.safetensors"]


@pytest.mark.skipif(not HAS_ORBAX, reason="needs orbax-checkpoint")
@pytest.mark.parametrize("make", SPECIALS)
@pytest.mark.parametrize("force", [False, True])
def test_save_orbax_refuses_a_pipe_or_socket_and_writes_nothing(tmp_path, make, force):
    special, words = make(tmp_path)
    link = tmp_path / "ck"
    link.symlink_to(special.name)
    before = _fingerprint(special)
    for path in (special, link):
        with pytest.raises(eqbrain.CheckpointError) as info:
            eqbrain.save_orbax(path, Net(), force=force)
        message = str(info.value)
        assert str(path) in message and words in message and "not a folder" in message
    assert _fingerprint(special) == before
    assert sorted(os.listdir(tmp_path)) == ["ck", "special"]


# -- failed writes name the path -----------------------------------------------------


@pytest.mark.parametrize(
    "code, kind",
    [(errno.ENOSPC, OSError), (errno.EACCES, PermissionError), (errno.EIO, OSError)],
)
def test_an_os_error_mid_write_names_the_path_and_keeps_its_errno(
    tmp_path, monkeypatch, code, kind
):
    path = tmp_path / "net.safetensors"
    eqbrain.save(path, Net(1.0))
    good = path.read_bytes()

    def failing(header, arrays):
        yield header
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(_safetensors, "_chunks", failing)
    with pytest.raises(kind) as info:
        eqbrain.save(path, Net(2.0))
    e = info.value
    assert e.errno == code and e.filename == str(path)
    assert os.strerror(code) in str(e) and str(path) in str(e)
    assert "while writing the checkpoint; the earlier file is intact" in str(e)
    assert isinstance(e.__cause__, OSError) and e.__cause__.errno == code
    assert path.read_bytes() == good and os.listdir(tmp_path) == ["net.safetensors"]


_LIMITED = """
import errno, json, os, resource, signal, sys
import jax.numpy as jnp
import eqbrain

class Net(eqbrain.Module):
    w: eqbrain.TrainVar
    def __init__(self, fill=1.0, n=6):
        super().__init__()
        self.w = eqbrain.TrainVar(jnp.sin(jnp.arange(n, dtype=jnp.float32)) + fill)

folder, calls = sys.argv[1], sys.argv[2:]
big = Net(2.0, n=1 << 18)  # 1 MiB of values that do not compress
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so that write() fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, 64 << 10))
out = {}
for call in calls:
    save, name = call.split(":")
    path = os.path.join(folder, name)
    try:
        if save == "save":
            eqbrain.save(path, big)
        else:
            eqbrain.save_orbax(path, big, force=True)
        out[call] = None
    except Exception as e:
        out[call] = {"type": type(e).__name__, "errno": getattr(e, "errno", None),
                     "filename": getattr(e, "filename", None), "message": str(e),
                     "cause": type(e.__cause__).__name__}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    """One process under RLIMIT_FSIZE (64 KiB) that tries to save a 1 MiB model over
    each earlier checkpoint (and to a new path); what each call raised."""
    folder = tmp_path_factory.mktemp("limited")
    eqbrain.save(folder / "old.safetensors", Net(1.0))
    calls = ["save:old.safetensors", "save:new.safetensors"]
    if HAS_ORBAX:
        eqbrain.save_orbax(folder / "ck", Net(1.0))
        calls += ["save_orbax:ck", "save_orbax:new_ck"]
    env = dict(os.environ, PYTHONPATH=SRC, JAX_PLATFORMS="cpu", PYTHONDONTWRITEBYTECODE="1")
    run = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_LIMITED), str(folder), *calls],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return folder, json.loads(run.stdout.strip().splitlines()[-1])


@NO_FSIZE
def test_a_file_size_limit_mid_save_names_the_file_and_keeps_the_old_one(limited):
    folder, out = limited
    old = out["save:old.safetensors"]
    assert old["type"] == "OSError" and old["errno"] == errno.EFBIG
    assert old["filename"] == str(folder / "old.safetensors") and old["cause"] == "OSError"
    assert str(folder / "old.safetensors") in old["message"]
    assert "File too large while writing the checkpoint" in old["message"]
    assert "the earlier file is intact" in old["message"]
    assert fill_of(folder / "old.safetensors") == 1.0  # intact, and loads
    new = out["save:new.safetensors"]
    assert new["errno"] == errno.EFBIG and "no file was created" in new["message"]
    assert not (folder / "new.safetensors").exists()
    assert temps(folder) == []


@pytest.mark.skipif(not HAS_ORBAX, reason="needs orbax-checkpoint")
@NO_FSIZE
def test_a_file_size_limit_mid_save_orbax_names_the_folder_and_keeps_the_old_one(limited):
    folder, out = limited
    old = out["save_orbax:ck"]
    assert old["type"] == "OSError" and old["errno"] == errno.EFBIG
    assert old["filename"] == str(folder / "ck")
    assert old["cause"] == "ValueError"  # TensorStore's error, chained
    assert "File too large while writing the orbax checkpoint" in old["message"]
    assert "the earlier checkpoint is intact" in old["message"]
    fresh = Net(0.0)
    eqbrain.load_orbax(folder / "ck", fresh, strict=True)
    np.testing.assert_array_equal(np.asarray(fresh.w.value), np.asarray(Net(1.0).w.value))
    new = out["save_orbax:new_ck"]
    assert new["errno"] == errno.EFBIG and "nothing was created" in new["message"]
    assert not (folder / "new_ck").exists()
    assert temps(folder) == []
