"""Record NEST's own run of its Potjans & Diesmann (2014) microcircuit example: the mean
rate of each population, the build time, the time per simulated second and the peak
memory, written to `rates.json` beside this script.

NEST is GPL-licensed and never a dependency of eqbrain: install it in a separate venv,
take the example from NEST's repository (it left the source tree after the 3.7 series;
the last version, which runs on NEST 3.10, is at commit 770f2a24d21a) and point this
script at it:

    python -m venv /tmp/nest && /tmp/nest/bin/pip install nest-simulator
    git -C nest-simulator show 770f2a24d21a:pynest/examples/Potjans_2014/...  # 7 files
    /tmp/nest/bin/python tests/data/nest_microcircuit/record.py /path/to/Potjans_2014

The example runs unchanged (NumPy 2 gets back its `np.Inf`) except for the settings
below (scale 0.1, Poisson background, a 500 ms warm-up, seed 55, spikes counted in
memory instead of files).
`--threads`, `--t-presim`, `--t-sim`, `--scale` and `--dc` change the run; `--out ''`
prints without writing. NEST holds at most 2**27 - 2 connections per thread and synapse
model, fewer than the full-scale model's 0.3 billion at 1 or 2 threads:
`--model-per-projection` gives each of the example's `Connect` calls a copy of
`static_synapse` of its own (the same synapses, in as many tables as projections).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import pathlib
import resource
import sys
import tempfile
import time


class ModelPerProjection:
    """`nest` for the example's module, except that each `Connect(...,
    syn_spec={"synapse_model": "static_synapse", ...})` uses a fresh copy of
    `static_synapse` (NEST's module refuses a patched attribute)."""

    def __init__(self, nest):
        self._nest, self._count = nest, itertools.count()

    def __getattr__(self, name):
        return getattr(self._nest, name)

    def Connect(self, pre, post, conn_spec=None, syn_spec=None, **kw):  # noqa: N802
        if isinstance(syn_spec, dict) and syn_spec.get("synapse_model") == "static_synapse":
            name = f"static_synapse_{next(self._count)}"
            self._nest.CopyModel("static_synapse", name)
            syn_spec = {**syn_spec, "synapse_model": name}
        return self._nest.Connect(pre, post, conn_spec=conn_spec, syn_spec=syn_spec, **kw)


def run(
    example_dir: str,
    threads: int,
    t_sim: float,
    scale: float,
    poisson: bool,
    t_presim: float,
    per_projection: bool = False,
) -> dict:
    sys.path.insert(0, example_dir)
    import nest
    import numpy as np

    np.Inf, np.NINF = np.inf, -np.inf  # the example predates NumPy 2's removal of them
    import network  # the example's own module

    if per_projection:
        network.nest = ModelPerProjection(nest)
    from network_params import net_dict
    from sim_params import sim_dict
    from stimulus_params import stim_dict

    net_dict.update(N_scaling=scale, K_scaling=scale, poisson_input=poisson)
    sim_dict.update(
        local_num_threads=threads,
        t_sim=t_sim,
        t_presim=t_presim,
        rec_dev=["spike_recorder"],
        data_path=tempfile.mkdtemp() + "/",
        print_time=False,
    )
    nest.set_verbosity("M_ERROR")
    t0 = time.perf_counter()
    net = network.Network(sim_dict, net_dict, stim_dict)
    net.create()
    net.spike_recorders.set(record_to="memory")
    net.connect()
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    net.simulate(sim_dict["t_presim"])
    t_presim = time.perf_counter() - t0
    net.spike_recorders.n_events = 0
    t0 = time.perf_counter()
    net.simulate(t_sim)
    t_run = time.perf_counter() - t0
    counts = [int(n) for n in net.spike_recorders.n_events]
    sizes = [int(n) for n in net.num_neurons]
    return {
        "nest": nest.__version__,
        "scale": scale,
        "model_per_projection": per_projection,
        "poisson_input": poisson,
        "threads": threads,
        "t_presim_ms": sim_dict["t_presim"],
        "t_sim_ms": t_sim,
        "populations": list(net_dict["populations"]),
        "num_neurons": sizes,
        "num_synapses": int(nest.num_connections),
        "rates_hz": [round(c / n / (t_sim * 1e-3), 4) for c, n in zip(counts, sizes)],
        "build_s": round(t_build, 3),
        "presim_s": round(t_presim, 3),
        "s_per_simulated_s": round(t_run / (t_sim * 1e-3), 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("example_dir", help="NEST's Potjans_2014 example folder")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--t-sim", type=float, default=1000.0, help="ms measured after warm-up")
    parser.add_argument("--t-presim", type=float, default=500.0, help="ms of warm-up")
    parser.add_argument("--scale", type=float, default=0.1, help="N_scaling = K_scaling")
    parser.add_argument("--dc", action="store_true", help="DC instead of Poisson background")
    parser.add_argument("--model-per-projection", action="store_true")
    parser.add_argument("--out", default=str(pathlib.Path(__file__).with_name("rates.json")))
    args = parser.parse_args()
    example = os.path.abspath(args.example_dir)
    result = run(
        example,
        args.threads,
        args.t_sim,
        args.scale,
        not args.dc,
        args.t_presim,
        args.model_per_projection,
    )
    print(json.dumps(result, indent=1))
    if args.out:
        pathlib.Path(args.out).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
