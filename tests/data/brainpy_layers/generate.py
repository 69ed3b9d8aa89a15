"""Record BrainPy 2.x's activation layers (`bp.dnn.ReLU`, ...) on fixed inputs, with
the arguments BrainPy's `brainpy/dnn/activation_test.py` builds them with, and the
connectivities `brainpy/dnn/linear_test.py` builds its sparse layers over.

Run once, in a virtual environment with BrainPy (never a dependency of eqbrain):

    python -m venv /tmp/bp && /tmp/bp/bin/pip install 'brainpy[cpu]>=2.8,<3'
    /tmp/bp/bin/python tests/data/brainpy_layers/generate.py

It writes `activations.json` beside itself: `brainpy_version`, the inputs (`inputs`:
name -> nested list) and, for each case, `{"input": name, "output": nested list}`
under `cases`, in float32 (BrainPy's default). The inputs are deterministic (evenly
spaced values), so the file is the same on every run.
`tests/brainpy_parity/test_dnn_activations.py` rebuilds each layer in eqbrain.

It also writes `connectivity.json`: for `GridFour` and `GaussianProb` (eqbrain has
neither) of 100 by 100 neurons, as `linear_test.py` builds them (`GaussianProb` with
`seed=123`), the synapses as `{"pre": [...], "post": [...]}`, which
`tests/brainpy_parity/test_dnn_linear.py` builds its layers over as boolean matrices.
"""

from __future__ import annotations

import json
import pathlib

import brainpy as bp
import brainpy.math as bm
import numpy as np

HERE = pathlib.Path(__file__).resolve().parent

INPUTS = {
    # 13 values from -8 to 8: both sides of Threshold(5, 20) and of Softplus's cutoff
    "line": np.linspace(-8.0, 8.0, 13, dtype=np.float32),
    "pair": np.asarray([-1.5, 0.7], np.float32),
    "glu": np.linspace(-2.0, 2.0, 8, dtype=np.float32).reshape(4, 2),
    "cube": np.linspace(-3.0, 3.0, 24, dtype=np.float32).reshape(2, 3, 4),
    "image": np.linspace(-2.0, 2.0, 120, dtype=np.float32).reshape(2, 3, 4, 5),
}

# name -> (constructor, input name); the arguments of BrainPy's test cases
CASES = {
    "Threshold": (lambda: bp.dnn.Threshold(5, 20), "line"),
    "ReLU": (lambda: bp.dnn.ReLU(), "line"),
    "Hardtanh": (lambda: bp.dnn.Hardtanh(min_val=0, max_val=1), "line"),
    "ReLU6": (lambda: bp.dnn.ReLU6(), "line"),
    "Sigmoid": (lambda: bp.dnn.Sigmoid(), "line"),
    "Hardsigmoid": (lambda: bp.dnn.Hardsigmoid(), "line"),
    "Tanh": (lambda: bp.dnn.Tanh(), "line"),
    "SiLU": (lambda: bp.dnn.SiLU(), "line"),
    "Mish": (lambda: bp.dnn.Mish(), "line"),
    "Hardswish": (lambda: bp.dnn.Hardswish(), "line"),
    "ELU": (lambda: bp.dnn.ELU(alpha=0.5), "line"),
    "CELU": (lambda: bp.dnn.CELU(alpha=0.5), "line"),
    "SELU": (lambda: bp.dnn.SELU(), "line"),
    "GLU": (lambda: bp.dnn.GLU(), "glu"),
    "GELU": (lambda: bp.dnn.GELU(), "line"),
    "Hardshrink": (lambda: bp.dnn.Hardshrink(lambd=1), "line"),
    "LeakyReLU": (lambda: bp.dnn.LeakyReLU(), "line"),
    "LogSigmoid": (lambda: bp.dnn.LogSigmoid(), "line"),
    "Softshrink": (lambda: bp.dnn.Softshrink(lambd=1), "line"),
    "PReLU": (lambda: bp.dnn.PReLU(num_parameters=2, init=0.5), "pair"),
    "Softsign": (lambda: bp.dnn.Softsign(), "line"),
    "Tanhshrink": (lambda: bp.dnn.Tanhshrink(), "line"),
    "Softmin": (lambda: bp.dnn.Softmin(dim=2), "cube"),
    "Softmax": (lambda: bp.dnn.Softmax(dim=2), "cube"),
    "Softmax2d": (lambda: bp.dnn.Softmax2d(), "image"),
    "LogSoftmax": (lambda: bp.dnn.LogSoftmax(dim=2), "cube"),
}
for beta in (1, 2, 3):
    for threshold in (20, 21, 22):
        CASES[f"Softplus-{beta}-{threshold}"] = (
            lambda b=beta, t=threshold: bp.dnn.Softplus(beta=b, threshold=t),
            "line",
        )


def main() -> None:
    cases = {}
    for name, (build, inp) in CASES.items():
        y = build()(bm.asarray(INPUTS[inp]))
        cases[name] = {"input": inp, "output": np.asarray(bm.as_numpy(y), np.float32).tolist()}
    out = {
        "brainpy_version": bp.__version__,
        "inputs": {k: v.tolist() for k, v in INPUTS.items()},
        "cases": cases,
    }
    (HERE / "activations.json").write_text(json.dumps(out, indent=1) + "\n")
    conns = {
        "GridFour": bp.conn.GridFour(pre=100, post=100),
        "GaussianProb": bp.conn.GaussianProb(0.1, pre=100, post=100, seed=123),
    }
    pairs = {}
    for name, conn in conns.items():
        pre, post = np.nonzero(np.asarray(conn.require("conn_mat")))
        pairs[name] = {"pre": pre.tolist(), "post": post.tolist()}
    out = {"brainpy_version": bp.__version__, "n_pre": 100, "n_post": 100, **pairs}
    (HERE / "connectivity.json").write_text(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
