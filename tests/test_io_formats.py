"""The seam between models and byte formats (`eqbrain.io._format`): a format is one small
module, and gets the state mapping, placement and file safety from the rest of `io`."""

import ast
import io
import os
import pathlib
import subprocess
import sys
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from eqbrain.io._files import CheckpointError, open_file, replace_file
from eqbrain.io._format import Format, load_model, save_model

SRC = pathlib.Path(__file__).resolve().parents[1] / "src"


class Npz(Format):
    """The recipe of io/README.md: NumPy's .npz as a checkpoint format."""

    what = "npz checkpoint"

    def write(self, path, values, metadata):
        buf = io.BytesIO()
        arrays: dict[str, Any] = {k: np.asarray(v) for k, v in values.items()}
        np.savez(buf, **arrays)
        replace_file(path, [buf.getbuffer()], what=self.what)

    def read(self, path, place):
        with open_file(path, lambda why: CheckpointError(f"{path!r}: {why}")) as f:
            data = np.load(io.BytesIO(f.read()))
            items = [(k, data[k]) for k in data.files]
        values = place.put(items) if place is not None else [a for _, a in items]
        return dict(zip([k for k, _ in items], values)), {}


class Net(eqbrain.Module):
    w: eqbrain.TrainVar
    step: eqbrain.Variable
    lin: list[jax.Array]

    def __init__(self, fill=1.0):
        super().__init__()
        self.w = eqbrain.TrainVar(jnp.full((3,), fill))
        self.step = eqbrain.Variable(jnp.asarray(int(fill), jnp.int32))
        self.lin = [jnp.full((2,), 2 * fill)]  # a plain array field


def test_a_new_format_round_trips_a_whole_model(tmp_path):
    path = tmp_path / "net.npz"
    save_model(Npz(), path, Net(3.0))
    assert sorted(np.load(path).files) == ["lin-0", "step", "w"]
    fresh = Net(0.0)
    assert load_model(Npz(), path, fresh, strict=True, warn=True) == ([], [])
    assert float(fresh.w.value[0]) == 3.0 and int(fresh.step.value) == 3
    assert float(fresh.lin[0][0]) == 6.0
    assert isinstance(fresh.w.value, jax.Array)


def test_a_new_format_loads_all_or_nothing(tmp_path):
    path = tmp_path / "net.npz"
    np.savez(path, w=np.zeros(3, np.float32), step=np.zeros((), np.float64))  # step: f64
    net = Net(1.0)
    before = {k: v.raw_value for k, v in net.vars(method="relative").items()}
    with pytest.raises(eqbrain.MathError, match=r"'step' into .*net\.npz.*dtype"):
        load_model(Npz(), path, net, strict=False, warn=False)
    after = {k: v.raw_value for k, v in net.vars(method="relative").items()}
    assert all(after[k] is before[k] for k in before)  # nothing written


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_new_format_gets_the_file_safety_of_io(tmp_path):
    fifo = tmp_path / "net.npz"
    os.mkfifo(fifo)
    with pytest.raises(CheckpointError, match="npz checkpoint.*named pipe"):
        save_model(Npz(), fifo, Net())
    with pytest.raises(CheckpointError, match="named pipe"):
        load_model(Npz(), fifo, Net(), strict=True, warn=False)
    with pytest.raises(CheckpointError, match="npz checkpoint path is empty"):
        save_model(Npz(), "", Net())
    assert os.listdir(tmp_path) == ["net.npz"]


def test_a_read_only_format_says_so(tmp_path):
    class ReadOnly(Format):
        what = "toy checkpoint"

        def read(self, path, place):
            return {}, {}

    with pytest.raises(NotImplementedError, match="toy checkpoints"):
        save_model(ReadOnly(), tmp_path / "x", Net())
    assert os.listdir(tmp_path) == []


# Each format's library is imported by its module alone (lazily where it is optional).
LIBRARIES = {
    "safetensors": "io/_safetensors.py",
    "xxhash": "io/_safetensors.py",
    "orbax": "io/_orbax.py",
    "tensorstore": "io/_orbax.py",
    "msgpack": "io/_brainpy.py",
}


def test_format_libraries_are_imported_by_their_format_module_alone():
    for path in sorted((SRC / "eqbrain").rglob("*.py")):
        rel = path.relative_to(SRC / "eqbrain").as_posix()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                home = LIBRARIES.get(name.split(".")[0])
                assert home in (None, rel), f"{rel}:{node.lineno} imports {name}; only {home}"


def test_import_eqbrain_loads_no_optional_format_library():
    code = (
        "import sys, eqbrain; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'safetensors', 'orbax'}))"
    )
    env = dict(os.environ, PYTHONPATH=str(SRC), JAX_PLATFORMS="cpu")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"
