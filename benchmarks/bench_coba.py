"""The COBA E/I network: eqbrain against the same network hand-written in JAX, and BrainPy 2.x.

The network is BrainPy's own COBA example (`EINet`; Vogel & Abbott 2005, the Brette et
al. 2007 benchmark): 4000 LIF neurons (3200 excitatory), FixedProb(0.02) connectivity,
exponential conductance-based synapses, dt = 0.1 ms. Versions, all in one run:

- **eqbrain**: `examples/coba_ei_network.py` run by `eqbrain.Runner` (event-driven).
- **JAX, event-driven**: `benchmarks/coba_reference.py`, one hand-written `lax.scan` with
  the same algorithm (spiking rows only), on eqbrain's connectivity and initial `V`
  (so its spikes must equal eqbrain's: checked and printed).
- **JAX, every synapse**: the same scan, scattering every synapse every step.
- **BrainPy 2.x**: its `EINet` (`EventCSRLinear`, `HalfProjAlignPostMg`) run by
  `bp.DSRunner`, with brainevent's numba kernels (BrainPy's CPU install,
  `brainpy[cpu]`) and with its pure-JAX kernels (`jax_raw`). Each runs in its own
  worker process (BrainPy sets global JAX state; a backend switch clears JAX's caches),
  driven in step with the others. Skipped, with the reason, when it cannot be imported.

Each version is warmed up once (compiles), then run `--rounds` times, the versions
interleaved round by round, each run from the initial state. Printed: wall seconds per
simulated second (best and median), compilation seconds (first run minus the best),
the mean rate over the runs, and the ratio of the medians to the hand-written
event-driven JAX version; then the spread of the rate over connectivity seeds (and
BrainPy's synapse update order against eqbrain's), and how time grows with the network
size and with the simulated duration.

    PYTHONPATH=src python benchmarks/bench_coba.py [--rounds 5] [--quick]
    nox -s bench -- coba          # with BrainPy installed in the session's venv
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
DT = 0.1


# -- BrainPy 2.x, in a worker process -------------------------------------------------------


def brainpy_worker(backend: str, scale: float) -> None:
    """Build BrainPy's EINet, then answer `run <ms>` lines with one JSON line each."""
    try:
        import brainevent
        import brainpy as bp
        import brainpy.math as bm
        import jax
        import numpy as np

        brainevent.config.set_backend("cpu", backend)
        bm.set_dt(DT)
    except Exception as e:  # noqa: BLE001 - any failure means: not available here
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}), flush=True)
        return

    class EINet(bp.DynSysGroup):  # BrainPy's COBA example, sized by `scale`
        def __init__(self):
            super().__init__()
            n_exc, n_inh = int(3200 * scale), int(800 * scale)
            num = n_exc + n_inh
            self.n_exc = n_exc
            self.N = bp.dyn.LifRef(
                num,
                V_rest=-60.0,
                V_th=-50.0,
                V_reset=-60.0,
                tau=20.0,
                tau_ref=5.0,
                V_initializer=bp.init.Normal(-55.0, 2.0),
            )
            self.delay = bp.VarDelay(self.N.spike, entries={"I": None})
            self.E = bp.dyn.HalfProjAlignPostMg(
                comm=bp.dnn.EventCSRLinear(
                    bp.conn.FixedProb(0.02, pre=n_exc, post=num), weight=0.6 / scale
                ),
                syn=bp.dyn.Expon.desc(size=num, tau=5.0),
                out=bp.dyn.COBA.desc(E=0.0),
                post=self.N,
            )
            self.I = bp.dyn.HalfProjAlignPostMg(
                comm=bp.dnn.EventCSRLinear(
                    bp.conn.FixedProb(0.02, pre=n_inh, post=num), weight=6.7 / scale
                ),
                syn=bp.dyn.Expon.desc(size=num, tau=10.0),
                out=bp.dyn.COBA.desc(E=-80.0),
                post=self.N,
            )

        def update(self, inp=20.0):
            spk = self.delay.at("I")
            self.E(spk[: self.n_exc])
            self.I(spk[self.n_exc :])
            self.delay(self.N(inp))
            return self.N.spike.value

    try:
        net = EINet()
        runner = bp.DSRunner(net, monitors=["N.spike"], progress_bar=False)
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}), flush=True)
        return
    print(json.dumps({"ready": f"BrainPy {bp.__version__}"}), flush=True)
    for line in sys.stdin:
        duration = float(line.split()[1])
        net.reset()  # a new initial V, as every run of the other versions starts afresh
        runner.reset_state()  # t = 0
        gc.collect()
        t0 = time.perf_counter()
        runner.run(duration)
        spikes = jax.block_until_ready(runner.mon["N.spike"])
        seconds = time.perf_counter() - t0
        rate = float(np.mean(np.asarray(spikes)) / (DT * 1e-3))
        print(json.dumps({"s": seconds, "rate": rate}), flush=True)


class BrainPy:
    """A `brainpy_worker` process; `run(ms)` asks it for one run and waits."""

    def __init__(self, backend: str, scale: float):
        self.name = f"BrainPy 2.x ({backend})"
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--brainpy-worker", backend, "--scale", str(scale)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        reply = self._read()
        if "error" in reply:
            self.close()
            raise RuntimeError(reply["error"])
        self.name = f"{reply['ready']} ({backend})"

    def _read(self) -> dict:
        while True:
            line = self.proc.stdout.readline()
            if not line:
                return {"error": f"worker exited with code {self.proc.wait()}"}
            if line.startswith("{"):
                return json.loads(line)

    def run(self, duration: float) -> tuple[float, float, None]:
        self.proc.stdin.write(f"run {duration}\n")
        self.proc.stdin.flush()
        reply = self._read()
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply["s"], reply["rate"], None

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait()


# -- eqbrain and the hand-written JAX versions -------------------------------------------


def _import(name: str, path: pathlib.Path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class Eqbrain:
    name = "eqbrain"

    def __init__(self, scale: float, seed: int = 0):
        import eqbrain

        example = sys.modules.get("coba_ei_network") or _import(
            "coba_ei_network", HERE.parent / "examples" / "coba_ei_network.py"
        )
        self.net = example.build(scale, seed=seed)
        self.runner = eqbrain.Runner(self.net, monitors=["N.spike"], dt=DT)

    def run(self, duration: float):
        self.net.reset_state()
        self.runner.reset_state()  # every run from t = 0, as the others
        gc.collect()
        t0 = time.perf_counter()
        self.runner.run(duration)  # the records come back sparse, on the host: synced
        spikes = self.runner.mon["N.spike"]
        seconds = time.perf_counter() - t0
        return seconds, spikes.mean_rate(), spikes

    def inputs(self) -> dict:
        """eqbrain's connectivity, weights and initial V, for the hand-written versions."""
        self.net.reset_state()
        return {
            "indices_E": self.net.E.comm.indices.value,
            "indices_I": self.net.I.comm.indices.value,
            "V0": self.net.N.V.value,
            "w_exc": self.net.E.comm.weight,
            "w_inh": self.net.I.comm.weight,
        }


class HandJax:
    def __init__(self, kind: str, inputs: dict):
        ref = sys.modules.get("coba_reference") or _import(
            "coba_reference", HERE / "coba_reference.py"
        )
        self.name = {"event": "JAX, event-driven", "dense": "JAX, every synapse"}[kind]
        self.fn = ref.simulate_event if kind == "event" else ref.simulate_dense
        self.fn.clear_cache()  # compile afresh, as eqbrain's new Runner does
        self.inputs = inputs

    def run(self, duration: float):
        import jax

        x = self.inputs
        n_steps = round(duration / DT)
        gc.collect()
        t0 = time.perf_counter()
        spikes = self.fn(
            x["indices_E"],
            x["indices_I"],
            x["V0"],
            n_steps,
            w_exc=x["w_exc"],
            w_inh=x["w_inh"],
            dt=DT,
        )
        spikes = jax.block_until_ready(spikes)
        seconds = time.perf_counter() - t0
        return seconds, float(spikes.mean()) / (DT * 1e-3), spikes


# -- measuring -------------------------------------------------------------------------------


def measure(versions: list, duration: float, rounds: int, check: bool = False) -> list[dict]:
    """Warm up each version (compiles), then `rounds` interleaved timed runs."""
    results = [{"name": v.name, "times": [], "rates": []} for v in versions]
    first_spikes = {}
    for v, r in zip(versions, results):
        r["first"], rate, spikes = v.run(duration)
        r["rates"].append(rate)
        if check and spikes is not None:
            first_spikes[v.name] = spikes
    if check and {"eqbrain", "JAX, event-driven"} <= first_spikes.keys():
        import numpy as np

        a = np.asarray(first_spikes["eqbrain"])
        b = np.asarray(first_spikes["JAX, event-driven"])
        differ = np.flatnonzero((a != b).any(axis=1))
        same = "identical" if differ.size == 0 else f"differ from step {differ[0]}"
        print(f"eqbrain vs hand-written JAX (same connectivity and V0): spikes {same}")
    del first_spikes
    for _ in range(rounds):
        for v, r in zip(versions, results):
            seconds, rate, spikes = v.run(duration)
            del spikes
            r["times"].append(seconds)
            r["rates"].append(rate)
    for r in results:
        r["rate"] = statistics.mean(r["rates"])  # BrainPy draws a new V0 every run
        r["best"], r["median"] = min(r["times"]), statistics.median(r["times"])
        r["compile"] = max(0.0, r["first"] - r["best"])
    return results


def _versions(scale: float, dense: bool, brainpy: list[str], skipped: dict) -> list:
    eq = Eqbrain(scale)
    versions = [eq, HandJax("event", eq.inputs())]
    if dense:
        versions.append(HandJax("dense", eq.inputs()))
    for backend in brainpy:
        try:
            versions.append(BrainPy(backend, scale))
        except Exception as e:  # noqa: BLE001
            skipped[f"BrainPy 2.x ({backend})"] = str(e).splitlines()[0][:160]
    return versions


def _close(versions: list) -> None:
    for v in versions:
        if isinstance(v, BrainPy):
            v.close()


def rate_spread(seeds: int, duration: float) -> None:
    """Mean rates of the hand-written JAX version over `seeds` connectivities and V0s."""
    import numpy as np

    ref = sys.modules.get("coba_reference") or _import(
        "coba_reference", HERE / "coba_reference.py"
    )
    rates = {False: [], True: []}
    for seed in range(seeds):
        x = Eqbrain(1.0, seed=seed).inputs()
        for order in rates:
            spikes = ref.simulate_event(
                x["indices_E"],
                x["indices_I"],
                x["V0"],
                round(duration / DT),
                w_exc=x["w_exc"],
                w_inh=x["w_inh"],
                dt=DT,
                brainpy_order=order,
            )
            rates[order].append(float(np.mean(np.asarray(spikes))) / (DT * 1e-3))
    print(f"\nMean rate over {seeds} connectivity seeds (hand-written JAX, event-driven):\n")
    print("| synapse update | mean Hz | min Hz | max Hz |")
    print("|---|---|---|---|")
    for order, label in (
        (False, "eqbrain's: g·decay + input"),
        (True, "BrainPy's: (g + input)·decay"),
    ):
        r = rates[order]
        print(f"| {label} | {np.mean(r):.2f} | {min(r):.2f} | {max(r):.2f} |")


def _ratio(r: dict, results: list[dict]) -> str:
    ref = next((x for x in results if x["name"] == "JAX, event-driven"), None)
    return f"{r['median'] / ref['median']:.2f}" if ref else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of each version")
    parser.add_argument("--duration", type=float, default=1000.0, help="ms, main table")
    parser.add_argument("--scales", type=float, nargs="*", default=[1, 4, 16])
    parser.add_argument(
        "--scale-durations",
        type=float,
        nargs="*",
        default=[1000, 1000, 250],
        help="ms simulated at each of --scales",
    )
    parser.add_argument("--durations", type=float, nargs="*", default=[250, 500, 1000, 2000])
    parser.add_argument("--scaling-rounds", type=int, default=2)
    parser.add_argument("--brainpy", nargs="*", default=["numba", "jax_raw"], help="backends")
    parser.add_argument("--seeds", type=int, default=5, help="connectivities, rate spread")
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--brainpy-worker", metavar="BACKEND", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.brainpy_worker:
        return brainpy_worker(args.brainpy_worker, args.scale)
    if args.quick:
        args.rounds, args.duration, args.scaling_rounds, args.seeds = 1, 100.0, 1, 2
        args.scales, args.scale_durations, args.durations = [0.25, 0.5], [100, 100], [50, 100]

    import equinox as eqx
    import jax

    print(
        f"jax {jax.__version__}, equinox {eqx.__version__}, device {jax.devices()[0]}, "
        f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    skipped: dict[str, str] = {}

    # 1. The benchmark: 4000 neurons, 1 s.
    versions = _versions(1.0, dense=True, brainpy=args.brainpy, skipped=skipped)
    results = measure(versions, args.duration, args.rounds, check=True)
    _close(versions)
    del versions
    print(
        f"\nCOBA, 4000 neurons, {args.duration:g} ms simulated, dt {DT} ms, "
        f"{args.rounds} interleaved rounds:\n"
    )
    print("| version | s per sim. s, best | median | compile s | rate Hz | × JAX event |")
    print("|---|---|---|---|---|---|")
    per = args.duration / 1000.0
    for r in results:
        print(
            f"| {r['name']} | {r['best'] / per:.3f} | {r['median'] / per:.3f} | "
            f"{r['compile']:.2f} | {r['rate']:.2f} | {_ratio(r, results)} |"
        )
    for name, why in skipped.items():
        print(f"| {name} | not installed: {why} | | | | |")

    # How much the rate depends on the random connectivity, and on the synapse order.
    if args.seeds:
        rate_spread(args.seeds, args.duration)

    # 2. Network size.
    print(f"\nNetwork size ({args.scaling_rounds} interleaved rounds):\n")
    print("| neurons | sim. ms | version | s per sim. s, best | median | compile s | rate Hz |")
    print("|---|---|---|---|---|---|---|")
    for scale, duration in zip(args.scales, args.scale_durations):
        versions = _versions(scale, dense=False, brainpy=args.brainpy[:1], skipped={})
        results = measure(versions, duration, args.scaling_rounds)
        _close(versions)
        del versions
        for r in results:
            print(
                f"| {int(4000 * scale)} | {duration:g} | {r['name']} | "
                f"{r['best'] / (duration / 1000):.3f} | {r['median'] / (duration / 1000):.3f} | "
                f"{r['compile']:.2f} | {r['rate']:.2f} |"
            )

    # 3. Simulated duration, 4000 neurons.
    print(f"\nSimulated duration, 4000 neurons ({args.scaling_rounds} interleaved rounds):\n")
    print("| sim. ms | version | wall s, best | median | s per sim. s | compile s |")
    print("|---|---|---|---|---|---|")
    versions = _versions(1.0, dense=False, brainpy=args.brainpy[:1], skipped={})
    for duration in args.durations:
        for r in measure(versions, duration, args.scaling_rounds):
            print(
                f"| {duration:g} | {r['name']} | {r['best']:.3f} | {r['median']:.3f} | "
                f"{r['best'] / (duration / 1000):.3f} | {r['compile']:.2f} |"
            )
    _close(versions)


if __name__ == "__main__":
    main()
