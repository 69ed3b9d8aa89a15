"""Record BrainPy 2.8 runs of its convolutional LSTM cells, with the weights they drew.

Run once, in a virtual environment with BrainPy (never a dependency of eqbrain):

    python -m venv /tmp/bp && /tmp/bp/bin/pip install 'brainpy[cpu]>=2.8,<3'
    /tmp/bp/bin/python tests/data/brainpy_cells/generate_convlstm.py

It writes `convlstm.npz` beside itself. For each case `<case>` the file holds

- `<case>/x`: the input of each step, `(steps, [batch,] *input_shape, in_channels)`;
- `<case>/h`, `<case>/c`: the states after each step (`h` is what `update` returned);
- `<case>/arg/<name>`: what BrainPy drew: the kernels and biases `wi`, `bi` (of
  `input_to_hidden`), `wh`, `bh` (of `hidden_to_hidden`), and the initial `h0`, `c0`
  (with the batch axis: BrainPy draws each trial's);

and `brainpy_version`. Each cell is stepped by calling `update` in a Python loop.
`tests/test_rate_cells.py` rebuilds every case in eqbrain from the same numbers. The
script is deterministic: inputs come from NumPy's seeded generator, weights from
`bm.random.seed`.
"""

from __future__ import annotations

import pathlib

import brainpy as bp
import brainpy.math as bm
import numpy as np

OUT = pathlib.Path(__file__).with_name("convlstm.npz")
STEPS = 5
rng = np.random.default_rng(0)
data: dict[str, np.ndarray] = {"brainpy_version": np.asarray(bp.__version__)}

# case: (class, batch or None, input_shape, in_channels, out_channels, keyword arguments)
CASES = {
    "Conv1d": ("Conv1dLSTMCell", None, (6,), 2, 3, dict(kernel_size=3)),
    "Conv1d_pad_nobias": (
        "Conv1dLSTMCell",
        None,
        (6,),
        2,
        2,
        dict(kernel_size=3, padding=(1, 1), b_initializer=None),
    ),
    "Conv2d_batched": ("Conv2dLSTMCell", 2, (4, 3), 2, 2, dict(kernel_size=(3, 2))),
    "Conv2d_groups_dilation": (
        "Conv2dLSTMCell",
        None,
        (4, 4),
        2,
        4,
        dict(kernel_size=3, groups=2, rhs_dilation=2),
    ),
    "Conv3d": ("Conv3dLSTMCell", None, (3, 3, 3), 1, 2, dict(kernel_size=2)),
}


def put(case: str, **arrays) -> None:
    for name, value in arrays.items():
        if value is not None:
            data[f"{case}/{name}"] = np.asarray(bm.as_jax(value), np.float32)


bm.random.seed(5)
for case, (cls, batch, shape, cin, cout, kw) in CASES.items():
    mode = bm.NonBatchingMode() if batch is None else bm.BatchingMode(batch)
    kw.setdefault("b_initializer", bp.init.Normal(0.5))
    cell = getattr(bp.dyn, cls)(
        input_shape=shape,
        in_channels=cin,
        out_channels=cout,
        state_initializer=bp.init.Uniform(-0.5, 0.5),
        mode=mode,
        **kw,
    )
    if batch is not None:
        cell.reset_state(batch)
    i2h, h2h = cell.input_to_hidden, cell.hidden_to_hidden
    put(case, **{"arg/wi": i2h.w, "arg/wh": h2h.w, "arg/bi": i2h.b, "arg/bh": h2h.b})
    put(case, **{"arg/h0": cell.h.value, "arg/c0": cell.c.value})  # one per trial
    lead = () if batch is None else (batch,)
    xs = rng.normal(size=(STEPS, *lead, *shape, cin)).astype(np.float32)
    hs, cs = [], []
    for x in xs:
        hs.append(np.asarray(bm.as_jax(cell.update(bm.asarray(x)))))
        cs.append(np.asarray(bm.as_jax(cell.c.value)))
    put(case, x=xs, h=np.stack(hs), c=np.stack(cs))

np.savez_compressed(OUT, **data)
print(f"wrote {OUT} ({len(data)} arrays)")
