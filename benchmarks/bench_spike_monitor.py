"""The spike monitor: sparse records against dense ones on the COBA network.

For each network size, in a fresh worker process per record kind (`sparse`: the runner's
default `SparseSpikes`; `dense`: `dense_monitors=True`), the COBA example
(`examples/coba_ei_network.py`) is built, run once to compile, reset, and run again
while a thread samples the process's resident memory every few ms. Printed per run:

- the seconds per simulated second (compilation excluded);
- `held`: the bytes the record keeps after the run (`SparseSpikes.nbytes`, or the dense
  array's), against `spikes`: the bytes of the recorded spikes themselves, one int32
  neuron index and one int32 step per spike;
- `in flight`: the packed bits of the two chunks alive at once (the one running, the one
  being read), one bit per neuron and step: the rest of the record's memory;
- `run peak`: how far the resident memory rose during the run above where it stood
  before it (freed memory handed back to the OS first): the record, the chunks of
  packed bits in flight, and whatever else the run allocates (the same for both kinds
  apart from the record);
- the ratio of each to `spikes`.

    PYTHONPATH=src python benchmarks/bench_spike_monitor.py [--scales 1 16] [--duration 1000]
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import pathlib
import subprocess
import sys
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent
DT = 0.1


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class _Sampler(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.running = _rss(), True

    def run(self):
        while self.running:
            self.peak = max(self.peak, _rss())
            time.sleep(0.002)


def worker(scale: float, duration: float, kind: str) -> None:
    import importlib.util

    import numpy as np

    import eqbrain

    spec = importlib.util.spec_from_file_location(
        "coba_ei_network", HERE.parent / "examples" / "coba_ei_network.py"
    )
    coba = importlib.util.module_from_spec(spec)
    sys.modules["coba_ei_network"] = coba
    spec.loader.exec_module(coba)
    net = coba.build(scale)
    runner = eqbrain.DSRunner(net, monitors=["N.spike"], dt=DT, dense_monitors=kind == "dense")
    runner.run(duration, outputs=False)  # compiles
    net.reset_state()
    runner.reset_state()
    runner.mon = eqbrain.Monitors()
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)  # freed memory back to the OS: growth shows
    before = _rss()
    sampler = _Sampler()
    sampler.start()
    start = time.perf_counter()
    runner.run(duration, outputs=False)
    record = runner.mon["N.spike"]
    if kind == "dense":
        record = np.asarray(record)
    seconds = time.perf_counter() - start
    sampler.running = False
    sampler.join()
    n_spikes = int(np.count_nonzero(record)) if kind == "dense" else record.num_spikes
    n_steps = round(duration / DT)
    # The packed chunks of bits alive at once: the one running and the one being read.
    chunk = runner._chunk_length(n_steps) if kind == "sparse" else 0
    in_flight = 2 * chunk * -(-net.N.num // 8)
    print(
        json.dumps(
            {
                "neurons": net.N.num,
                "kind": kind,
                "s_per_s": seconds / (duration / 1000.0),
                "held": int(record.nbytes),
                "in_flight": in_flight,
                "chunk": chunk,
                "spikes": 8 * n_spikes,
                "run_peak": sampler.peak - before,
                "rate": n_spikes / net.N.num / (duration / 1000.0),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 16.0])
    parser.add_argument("--duration", type=float, default=1000.0)
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(float(args.worker[0]), float(args.worker[1]), args.worker[2])
        return
    print(f"COBA network, {args.duration:g} ms, dt = {DT} ms; bytes in MB")
    header = (
        "neurons  record  s/sim-s  rate Hz  spikes MB  held MB  held/sp  chunk  "
        "in flight MB  (held+fl)/sp  run peak MB  peak/sp"
    )
    print(header)
    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
    for scale in args.scales:
        for kind in ("sparse", "dense"):
            out = subprocess.run(
                [sys.executable, __file__, "--worker", str(scale), str(args.duration), kind],
                capture_output=True,
                text=True,
                env=env,
            )
            if out.returncode:
                print(f"{kind} at scale {scale} failed:\n{out.stderr[-2000:]}")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            mb = 1e6
            print(
                f"{r['neurons']:>7}  {kind:>6}  {r['s_per_s']:7.2f}  {r['rate']:7.2f}  "
                f"{r['spikes'] / mb:9.2f}  {r['held'] / mb:7.2f}  {r['held'] / r['spikes']:7.2f}  "
                f"{r['chunk']:5}  {r['in_flight'] / mb:12.2f}  "
                f"{(r['held'] + r['in_flight']) / r['spikes']:12.2f}  "
                f"{r['run_peak'] / mb:11.2f}  {r['run_peak'] / r['spikes']:7.2f}"
            )


if __name__ == "__main__":
    main()
