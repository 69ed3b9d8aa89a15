"""Writes `brainpy_dyn_blocks.msgpack`: BrainPy 2.8's `state_dict()` of a network built of
`bp.dyn` blocks (their integrator nodes hold no Variables), for tests/test_interop.py.

Run once in an environment with BrainPy 2.8 (not a test dependency):
`python tests/data/make_brainpy_dyn_blocks.py`.
"""

import pathlib

import brainpy as bp
import brainpy.math as bm
import numpy as np


class Net(bp.DynSysGroup):
    def __init__(self):
        super().__init__()
        self.E = bp.dyn.LifRef(4)
        self.syn = bp.dyn.Expon(4, tau=5.0)


net = Net()
net.E.V.value = bm.asarray(np.linspace(-70.0, -55.0, 4), dtype=bm.float32)
net.E.t_last_spike.value = bm.asarray([1.0, 2.0, 3.0, 4.0], dtype=bm.float32)
net.syn.g.value = bm.asarray([0.5, 0.25, 0.125, 0.0], dtype=bm.float32)
out = pathlib.Path(__file__).with_name("brainpy_dyn_blocks.msgpack")
bp.checkpoints.save_pytree(str(out), net.state_dict(), overwrite=True)
print({k: sorted(v) for k, v in net.state_dict().items()})
