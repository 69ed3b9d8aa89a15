"""Record BrainPy 2.8 runs of its rate and recurrent units, with the weights they drew.

Run once, in a virtual environment with BrainPy (never a dependency of eqbrain):

    python -m venv /tmp/bp && /tmp/bp/bin/pip install 'brainpy[cpu]>=2.8,<3'
    /tmp/bp/bin/python tests/data/brainpy_cells/generate.py

It writes `cells.npz` beside itself. For each case `<case>` the file holds

- `<case>/x`: the input of each step, `(steps, [batch,] features)`;
- `<case>/out`: what `update` returned at each step;
- `<case>/state`: the unit's state after each step (`state`, `x` or `store`);
- `<case>/arg/<name>`: the weights BrainPy drew (`Wi`, `Wh`, `b`, `Win`, `Wrec`, ...),
  so that eqbrain can build the same unit;

and `brainpy_version`. The RNN cells, NVAR and the reservoir are stepped by calling
`update` in a Python loop; `Leaky` and `Integrator` under `DSRunner` with `dt = 0.1` ms.
`tests/test_rate_cells.py` rebuilds every case in eqbrain from the same numbers. The
script is deterministic: inputs come from NumPy's seeded generator, weights from
`bm.random.seed`.
"""

from __future__ import annotations

import pathlib

import brainpy as bp
import brainpy.math as bm
import numpy as np

OUT = pathlib.Path(__file__).with_name("cells.npz")
STEPS = 12
rng = np.random.default_rng(0)
data: dict[str, np.ndarray] = {"brainpy_version": np.asarray(bp.__version__)}


def put(case: str, **arrays) -> None:
    for name, value in arrays.items():
        if value is not None:
            data[f"{case}/{name}"] = np.asarray(bm.as_jax(value), np.float32)


def step(case: str, unit, xs: np.ndarray, var: str = "state", **weights) -> None:
    """Call `unit.update` on each input of `xs`, recording outputs and the state."""
    outs, states = [], []
    for x in xs:
        outs.append(np.asarray(bm.as_jax(unit.update(bm.asarray(x)))))
        states.append(np.asarray(bm.as_jax(getattr(unit, var).value)))
    put(case, x=xs, out=np.stack(outs), state=np.stack(states))
    put(case, **{f"arg/{k}": v for k, v in weights.items()})


def inputs(*shape: int) -> np.ndarray:
    return rng.normal(size=(STEPS, *shape)).astype(np.float32)


# -- RNN cells: unbatched and batched (two trials), BrainPy's default initializers -----
bm.random.seed(1)
for cls in ("RNNCell", "GRUCell", "LSTMCell"):
    for batched in (False, True):
        mode = bm.BatchingMode(2) if batched else bm.NonBatchingMode()
        cell = getattr(bp.dyn, cls)(3, 4, b_initializer=bp.init.Normal(0.5), mode=mode)
        case = f"{cls}_batched" if batched else cls
        xs = inputs(2, 3) if batched else inputs(3)
        step(case, cell, xs, Wi=cell.Wi, Wh=cell.Wh, b=cell.b)
# a tanh RNN without a bias, from a nonzero initial state
cell = bp.dyn.RNNCell(3, 4, activation="tanh", b_initializer=None)
cell.state.value = bm.asarray(np.linspace(-0.5, 0.5, 4, dtype=np.float32))
step("RNNCell_tanh_nobias", cell, inputs(3), Wi=cell.Wi, Wh=cell.Wh)

# -- NVAR ----------------------------------------------------------------------------
for case, kw, batched in [
    ("NVAR", dict(delay=3, order=2), False),
    ("NVAR_orders", dict(delay=3, order=[2, 3], stride=2, constant=True), False),
    ("NVAR_batched", dict(delay=2, order=2, constant=True), True),
]:
    mode = bm.BatchingMode(2) if batched else bm.NonBatchingMode()
    node = bp.dyn.NVAR(2, mode=mode, **kw)
    if batched:
        node.reset_state(2)
    step(case, node, inputs(2, 2) if batched else inputs(2), var="store")

# -- Reservoir: dense and sparse computation of the same draw --------------------------
for activation_type in ("internal", "external"):
    for comp_type in ("dense", "sparse"):
        bm.random.seed(3)
        res = bp.dyn.Reservoir(
            2,
            6,
            in_connectivity=0.5,
            rec_connectivity=0.5,
            b_initializer=bp.init.Normal(0.1),
            activation_type=activation_type,
            comp_type=comp_type,
        )
        if comp_type == "dense":
            weights = dict(Win=res.Win, Wrec=res.Wrec, bias=res.bias)
        step(f"Reservoir_{activation_type}_{comp_type}", res, inputs(2), **weights)

# -- Leaky and Integrator under DSRunner ------------------------------------------------
for case, unit, var in [
    ("Leaky", bp.dyn.Leaky(3, tau=8.0), "x"),
    ("Integrator", bp.dyn.Integrator(3, tau=5.0, x_initializer=bp.init.Constant(0.5)), "x"),
]:
    xs = inputs(3)
    runner = bp.DSRunner(unit, monitors=[var], inputs=None, progress_bar=False, dt=0.1)
    out = runner.run(inputs=bm.asarray(xs))
    put(case, x=xs, out=out, state=runner.mon[var])

np.savez_compressed(OUT, **data)
print(f"wrote {OUT} ({len(data)} arrays)")
