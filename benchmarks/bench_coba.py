"""The COBA E/I network in eqbrain, hand-written JAX, BrainPy 2.x, brainpy.state and Brian2.

The network is BrainPy's own COBA example (`EINet`; Vogel & Abbott 2005, the Brette et
al. 2007 benchmark): `4000 * scale` LIF neurons (80 % excitatory), connection
probability 2 %, exponential conductance-based synapses (5 and 10 ms, reversal 0 and
-80 mV, weights 0.6 and 6.7 divided by the scale), a background current of 20,
refractory period 5 ms, dt = 0.1 ms. Every simulator runs in a worker process of its
own, driven in step with the others (round by round), and records every spike:

- **eqbrain**: `examples/coba_ei_network.py` through `eqbrain.Runner` (monitor `N.spike`).
- **JAX, hand-written**: `benchmarks/coba_reference.py`, one `lax.scan` with the same
  algorithm and no eqbrain inside, on eqbrain's connectivity and initial `V`: its spikes
  must be identical to eqbrain's (compared by a hash of the first run's spikes).
- **BrainPy 2.x (numba)**: its `EINet` (`EventCSRLinear`, `HalfProjAlignPostMg`, `LifRef`)
  through `bp.DSRunner`, with brainevent's numba kernels (`pip install brainpy[cpu]`).
- **brainpy.state**: BrainPy's successor on brainstate (`LIFRef`, `AlignPostProj`,
  `brainstate.nn.EventFixedProb`: a fixed number of targets per source, 2 % of the
  population), in the units its neurons expect: the membrane resistance is 1 ohm, so
  currents are in mA and conductances in S (`0.6 * u.siemens`); a hard reset.
- **Brian2 (C++ standalone)**: one thread, exponential Euler, a `SpikeMonitor`; the time
  is the binary's simulation loop as Brian2 reports it (`device._last_run_time`); its
  whole run (building the synapses included) is printed beside it.

Each version is built (imports, network and connectivity; Brian2: nothing yet), then
run once (compilation included; Brian2: code generation and C++ compilation), then
`--rounds` timed runs, interleaved, each from the initial state (t = 0). Printed per
size: the build, the first run, the first run of a fresh worker whose compiled program
is in JAX's persistent compilation cache (eqbrain and hand-written JAX), the steady-state
seconds per simulated second (median and best), the ratio to Brian2's loop, the mean
rate, and the peak memory of the worker process (resident set, the Brian2 binary's own
included). `--memory` adds a separate 1 s run at the largest size in fresh workers, for
the peak memory of a whole simulated second.

    PYTHONPATH=src python benchmarks/bench_coba.py [--rounds 3] [--quick]
    nox -s bench -- coba          # with the peers installed in the session's venv
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import pathlib
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
DT = 0.1  # ms
VERSIONS = {
    "eqbrain": "eqbrain",
    "jax": "JAX, hand-written",
    "brainpy": "BrainPy 2.x (numba)",
    "state": "brainpy.state",
    "brian2": "Brian2 C++ standalone",
}
JAX_KINDS = ("eqbrain", "jax")


def _import(name: str, path: pathlib.Path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _rss_mb() -> float:
    """Peak resident set of this process (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _spike_hash(spikes) -> str:
    """A hash of the (step, neuron) pairs, from a dense record or sparse `SparseSpikes`."""
    import numpy as np

    if hasattr(spikes, "steps"):
        steps, indices = spikes.steps, spikes.indices
    else:
        dense = np.asarray(spikes, bool)
        steps, indices = np.nonzero(dense.reshape(dense.shape[0], -1))
    pairs = np.stack([np.asarray(steps, np.int64), np.asarray(indices, np.int64)])
    return hashlib.sha1(pairs.tobytes()).hexdigest()[:12]


# -- the simulators, each built and run inside its worker -----------------------------------


class EqbrainSim:
    def __init__(self, scale: float):
        import eqbrain

        example = _import("coba_ei_network", HERE.parent / "examples" / "coba_ei_network.py")
        self.net = example.build(scale, seed=0)
        self.runner = eqbrain.Runner(self.net, monitors=["N.spike"], dt=DT)
        self.version = f"eqbrain {getattr(eqbrain, '__version__', '')}".strip()

    def run(self, duration: float) -> dict:
        self.net.reset_state()
        self.runner.reset_state()  # every run from t = 0, as the others
        t0 = time.perf_counter()
        # The monitor records every spike (sparse, on the host: synced); `update`'s own
        # return value, the same spikes, is not kept a second time.
        self.runner.run(duration, outputs=False)
        spikes = self.runner.mon["N.spike"]
        seconds = time.perf_counter() - t0
        return {"s": seconds, "spikes": spikes.num_spikes, "hash": _spike_hash(spikes)}


class HandJaxSim:
    def __init__(self, scale: float):
        import jax.numpy as jnp

        eq = EqbrainSim(scale)
        self.ref = _import("coba_reference", HERE / "coba_reference.py")
        net = eq.net
        net.reset_state()
        self.args = (
            jnp.asarray(net.E.comm.indices.value),
            jnp.asarray(net.I.comm.indices.value),
            jnp.asarray(net.N.V.value),
        )
        self.w = {"w_exc": net.E.comm.weight, "w_inh": net.I.comm.weight}
        del eq, net
        gc.collect()
        self.version = "JAX (coba_reference.py)"

    def run(self, duration: float) -> dict:
        import jax
        import numpy as np

        t0 = time.perf_counter()
        spikes = self.ref.simulate_event(*self.args, round(duration / DT), **self.w, dt=DT)
        spikes = jax.block_until_ready(spikes)
        seconds = time.perf_counter() - t0
        spikes = np.asarray(spikes)
        return {"s": seconds, "spikes": int(np.count_nonzero(spikes)), "hash": _spike_hash(spikes)}


class BrainPySim:
    """BrainPy 2.x's `EINet` with brainevent's numba kernels."""

    def __init__(self, scale: float):
        import brainevent
        import brainpy as bp
        import brainpy.math as bm

        brainevent.config.set_backend("cpu", "numba")
        bm.set_dt(DT)

        class EINet(bp.DynSysGroup):
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

        self.net = EINet()
        self.runner = bp.DSRunner(self.net, monitors=["N.spike"], progress_bar=False)
        self.version = f"BrainPy {bp.__version__} (numba)"

    def run(self, duration: float) -> dict:
        import jax
        import numpy as np

        self.net.reset()  # a new initial V, as the other versions start afresh
        self.runner.reset_state()  # t = 0
        t0 = time.perf_counter()
        self.runner.run(duration)
        spikes = jax.block_until_ready(self.runner.mon["N.spike"])
        seconds = time.perf_counter() - t0
        return {"s": seconds, "spikes": int(np.count_nonzero(np.asarray(spikes)))}


class StateSim:
    """brainpy.state (brainstate): weights in S, currents in mA, for R = 1 ohm."""

    def __init__(self, scale: float):
        import brainpy
        import brainstate
        import braintools
        import brainunit as u
        import jax.numpy as jnp

        n_exc, n_inh = int(3200 * scale), int(800 * scale)
        num = n_exc + n_inh
        self.u, self.brainstate = u, brainstate

        class EINet(brainstate.nn.Module):
            def __init__(self):
                super().__init__()
                self.n_exc = n_exc
                self.N = brainpy.state.LIFRef(
                    num,
                    V_rest=-60.0 * u.mV,
                    V_th=-50.0 * u.mV,
                    V_reset=-60.0 * u.mV,
                    tau=20.0 * u.ms,
                    tau_ref=5.0 * u.ms,
                    V_initializer=braintools.init.Normal(-55.0 * u.mV, 2.0 * u.mV),
                    spk_reset="hard",
                )
                g0 = braintools.init.Constant(0.0 * u.siemens)
                self.E = brainpy.state.AlignPostProj(
                    comm=brainstate.nn.EventFixedProb(
                        n_exc, num, conn_num=0.02, conn_weight=0.6 / scale * u.siemens
                    ),
                    syn=brainpy.state.Expon.desc(num, tau=5.0 * u.ms, g_initializer=g0),
                    out=brainpy.state.COBA.desc(E=0.0 * u.mV),
                    post=self.N,
                )
                self.I = brainpy.state.AlignPostProj(
                    comm=brainstate.nn.EventFixedProb(
                        n_inh, num, conn_num=0.02, conn_weight=6.7 / scale * u.siemens
                    ),
                    syn=brainpy.state.Expon.desc(num, tau=10.0 * u.ms, g_initializer=g0),
                    out=brainpy.state.COBA.desc(E=-80.0 * u.mV),
                    post=self.N,
                )

            def update(self, t):
                with brainstate.environ.context(t=t):
                    spike = self.N.get_spike() != 0.0
                    self.E(spike[: self.n_exc])
                    self.I(spike[self.n_exc :])
                    self.N(20.0 * u.mA)
                    return self.N.get_spike() != 0.0

        brainstate.environ.set(dt=DT * u.ms)
        self.net = EINet()
        brainstate.nn.init_all_states(self.net)
        self.compiled = {}
        self.jnp = jnp
        versions = (brainpy.state.__version__, brainstate.__version__)
        self.version = "brainpy.state {}, brainstate {}".format(*versions)

    def run(self, duration: float) -> dict:
        import jax
        import numpy as np

        u, bst = self.u, self.brainstate
        n = round(duration / DT)
        if n not in self.compiled:

            @bst.transform.jit
            def simulate():
                times = self.jnp.arange(n) * DT * u.ms
                return bst.transform.for_loop(self.net.update, times)

            self.compiled[n] = simulate
        bst.nn.reset_all_states(self.net)  # a new initial V, from t = 0
        t0 = time.perf_counter()
        spikes = jax.block_until_ready(self.compiled[n]())
        seconds = time.perf_counter() - t0
        return {"s": seconds, "spikes": int(np.count_nonzero(np.asarray(spikes)))}


class Brian2Sim:
    """Brian2's C++ standalone mode, one thread; the time is the binary's loop."""

    def __init__(self, scale: float):
        import brian2

        self.b2 = brian2
        self.scale = scale
        self.dir = tempfile.mkdtemp(prefix="bench_coba_brian2_")
        self.duration = None
        self.version = f"Brian2 {brian2.__version__} (C++ standalone)"

    def _build(self, duration: float):
        from brian2 import (
            Network,
            NeuronGroup,
            SpikeMonitor,
            Synapses,
            defaultclock,
            device,
            ms,
            prefs,
            set_device,
        )

        device.reinit()
        device.activate()
        set_device("cpp_standalone", directory=self.dir, build_on_run=False)
        prefs.devices.cpp_standalone.openmp_threads = 0  # one thread
        defaultclock.dt = DT * ms
        n_exc, n_inh = int(3200 * self.scale), int(800 * self.scale)
        ns = {
            "V_rest": -60.0,
            "V_th": -50.0,
            "V_reset": -60.0,
            "E_exc": 0.0,
            "E_inh": -80.0,
            "I_bg": 20.0,
            "taum": 20.0 * ms,
            "taue": 5.0 * ms,
            "taui": 10.0 * ms,
            "we": 0.6 / self.scale,
            "wi": 6.7 / self.scale,
        }
        eqs = """
        dv/dt = (-(v - V_rest) + ge * (E_exc - v) + gi * (E_inh - v) + I_bg) / taum : 1 \
            (unless refractory)
        dge/dt = -ge / taue : 1
        dgi/dt = -gi / taui : 1
        """
        P = NeuronGroup(
            n_exc + n_inh,
            eqs,
            threshold="v >= V_th",
            reset="v = V_reset",
            refractory=5.0 * ms,
            method="exponential_euler",
            namespace=ns,
        )
        P.v = "-55.0 + 2.0 * randn()"
        Ce = Synapses(P[:n_exc], P, on_pre="ge += we", namespace=ns)
        Ce.connect(p=0.02)
        Ci = Synapses(P[n_exc:], P, on_pre="gi += wi", namespace=ns)
        Ci.connect(p=0.02)
        self.mon = SpikeMonitor(P)
        Network(P, Ce, Ci, self.mon).run(duration * ms)
        device.build(directory=self.dir, compile=True, run=False)
        self.duration = duration

    def run(self, duration: float) -> dict:
        device = self.b2.device
        if duration != self.duration:
            self._build(duration)  # generate and compile the C++ code for this duration
        t0 = time.perf_counter()
        device.run(directory=self.dir, with_output=False)
        seconds = time.perf_counter() - t0
        loop = device._last_run_time
        return {"s": loop, "binary_s": seconds, "spikes": int(self.mon.num_spikes)}

    def peak_binary_mb(self) -> float:
        """Run the compiled binary once more on its own, for its peak resident set."""
        proc = subprocess.Popen(
            ["./main", "--results_dir", self.b2.device.results_dir],
            cwd=self.dir,
            stdout=subprocess.DEVNULL,
        )
        _, _, usage = os.wait4(proc.pid, 0)
        return usage.ru_maxrss / 1024

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


SIMS = {
    "eqbrain": EqbrainSim,
    "jax": HandJaxSim,
    "brainpy": BrainPySim,
    "state": StateSim,
    "brian2": Brian2Sim,
}


def worker(kind: str, scale: float) -> None:
    """Build one simulator, then answer `run <ms>` lines, and `quit`, with JSON lines."""

    def say(obj):
        print(json.dumps(obj), flush=True)

    t0 = time.perf_counter()
    try:
        sim = SIMS[kind](scale)
    except Exception as e:  # noqa: BLE001 - any failure means: not available here
        return say({"error": f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"})
    say({"ready": sim.version, "build_s": time.perf_counter() - t0})
    for line in sys.stdin:
        if line.startswith("run"):
            gc.collect()
            try:
                say(sim.run(float(line.split()[1])))
            except Exception as e:  # noqa: BLE001
                say({"error": f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"})
        elif line.startswith("quit"):
            peak = _rss_mb()
            if isinstance(sim, Brian2Sim):
                peak += sim.peak_binary_mb()  # the simulation runs in its own binary
                sim.close()
            say({"peak_mb": peak})
            return


class Worker:
    """One simulator in its own process."""

    def __init__(self, kind: str, scale: float, cache: str | None = None):
        self.kind, self.name = kind, VERSIONS[kind]
        env = dict(os.environ)
        if cache and kind in JAX_KINDS:  # JAX's persistent compilation cache, every entry
            env.update(
                JAX_COMPILATION_CACHE_DIR=cache,
                JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0",
                JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES="0",
            )
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--worker", kind, "--scale", str(scale)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        reply = self._read()
        if "error" in reply:
            self.close()
            raise RuntimeError(reply["error"])
        self.version, self.build_s = reply["ready"], reply["build_s"]

    def _read(self) -> dict:
        while True:
            line = self.proc.stdout.readline()
            if not line:
                return {"error": f"worker exited with code {self.proc.wait()}"}
            if line.startswith("{"):
                return json.loads(line)

    def ask(self, command: str) -> dict:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        reply = self._read()
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply

    def close(self) -> float | None:
        """Stop the worker; returns its peak memory (MB)."""
        if self.proc.poll() is not None:
            return None
        try:
            peak = self.ask("quit")["peak_mb"]
        except (RuntimeError, BrokenPipeError):
            peak = None
        self.proc.wait()
        return peak


# -- measuring -------------------------------------------------------------------------------


def _start(
    kinds: list[str], scale: float, skipped: dict, cache: str | None = None
) -> list[Worker]:
    workers = []
    for kind in kinds:
        try:
            workers.append(Worker(kind, scale, cache))
        except Exception as e:  # noqa: BLE001
            skipped[VERSIONS[kind]] = str(e)[:160]
    return workers


def measure(kinds: list[str], scale: float, duration: float, rounds: int) -> tuple[list, dict]:
    """A first run (build and compilation included), then `rounds` interleaved runs; then,
    for the JAX versions, the first run of a fresh worker whose compilation is in JAX's
    persistent cache (filled by the first worker: the analogue of Brian2's cached build)."""
    skipped: dict[str, str] = {}
    cache = tempfile.mkdtemp(prefix="coba_jax_cache_")
    workers = _start(kinds, scale, skipped, cache)
    results = []
    for w in workers:
        t0 = time.perf_counter()
        first = w.ask(f"run {duration}")
        r = {"name": w.name, "version": w.version, "build": w.build_s}
        r["first"] = time.perf_counter() - t0
        r.update(times=[], binary=[], spikes=[first["spikes"]], hash=first.get("hash"))
        results.append(r)
    for _ in range(rounds):
        for w, r in zip(workers, results):
            reply = w.ask(f"run {duration}")
            r["times"].append(reply["s"])
            r["spikes"].append(reply["spikes"])
            if "binary_s" in reply:
                r["binary"].append(reply["binary_s"])
    for w, r in zip(workers, results):
        r["peak_mb"] = w.close()
        r["median"], r["best"] = statistics.median(r["times"]), min(r["times"])
        n = int(4000 * scale)
        r["rate"] = statistics.mean(r["spikes"]) / n / (duration / 1000)
        r["cached"] = None
        if w.kind in JAX_KINDS:
            again = _start([w.kind], scale, {}, cache)
            if again:
                t0 = time.perf_counter()
                again[0].ask(f"run {duration}")
                r["cached"] = time.perf_counter() - t0
                again[0].close()
    shutil.rmtree(cache, ignore_errors=True)
    return results, skipped


def _fmt_mb(mb) -> str:
    return "-" if mb is None else f"{mb / 1024:.2f} GB" if mb >= 1024 else f"{mb:.0f} MB"


def print_table(results: list, skipped: dict, scale: float, duration: float, rounds: int):
    per = duration / 1000
    brian = next((r for r in results if r["name"] == VERSIONS["brian2"]), None)
    print(
        f"\n{int(4000 * scale)} neurons, {duration:g} ms simulated, {rounds} interleaved rounds "
        f"(load average {os.getloadavg()[0]:.1f}):\n"
    )
    print(
        "| version | build s | first run s | first run s, cached | s per sim. s, median "
        "| best | × Brian2 loop | rate Hz | peak memory |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        ratio = f"{r['median'] / brian['median']:.2f}" if brian else "-"
        name = r["name"]
        if r["binary"]:
            name += f" (whole binary: {statistics.median(r['binary']) / per:.3f} s per sim. s)"
        print(
            f"| {name} | {r['build']:.2f} | {r['first']:.2f} "
            f"| {'-' if r['cached'] is None else format(r['cached'], '.2f')} "
            f"| {r['median'] / per:.3f} "
            f"| {r['best'] / per:.3f} "
            f"| {ratio} | {r['rate']:.2f} | {_fmt_mb(r['peak_mb'])} |"
        )
    for name, why in skipped.items():
        print(f"| {name} | not available: {why} | | | | | | | |")
    hashes = {r["name"]: r["hash"] for r in results if r["hash"]}
    if len(hashes) == 2:
        same = len(set(hashes.values())) == 1
        print(
            f"\neqbrain and the hand-written JAX version (same connectivity and initial V): "
            f"spikes {'identical' if same else 'DIFFERENT'}"
        )


def memory(kinds: list[str], scale: float, duration: float) -> None:
    """Peak memory of one whole run of `duration` in a fresh worker, one at a time."""
    print(f"\nPeak memory, {int(4000 * scale)} neurons, {duration:g} ms, one fresh worker each:\n")
    print("| version | peak memory | rate Hz |")
    print("|---|---|---|")
    for kind in kinds:
        skipped: dict[str, str] = {}
        workers = _start([kind], scale, skipped)
        if not workers:
            print(f"| {VERSIONS[kind]} | not available | |")
            continue
        spikes = workers[0].ask(f"run {duration}")["spikes"]
        peak = workers[0].close()
        rate = spikes / int(4000 * scale) / (duration / 1000)
        print(f"| {VERSIONS[kind]} | {_fmt_mb(peak)} | {rate:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each version")
    parser.add_argument("--scales", type=float, nargs="*", default=[1, 4, 16])
    parser.add_argument(
        "--durations", type=float, nargs="*", default=[1000, 1000, 250], help="ms per scale"
    )
    parser.add_argument("--versions", nargs="*", default=list(VERSIONS), choices=list(VERSIONS))
    parser.add_argument(
        "--memory", type=float, default=1000.0, help="ms of the memory run at the largest scale"
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the memory run")
    parser.add_argument("--memory-only", action="store_true", help="only the memory run")
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.scale)
    if args.quick:
        args.rounds, args.scales, args.durations, args.memory = 1, [0.25], [100.0], 100.0

    import jax

    print(
        f"jax {jax.__version__}, {os.cpu_count()} CPUs "
        f"({platform.processor() or platform.machine()}), load average "
        f"{os.getloadavg()[0]:.2f}, Python {platform.python_version()}"
    )
    for scale, duration in zip(args.scales, args.durations):
        if args.memory_only:
            break
        results, skipped = measure(args.versions, scale, duration, args.rounds)
        for r in results:
            if r["version"]:
                print(f"  {r['name']}: {r['version']}")
        print_table(results, skipped, scale, duration, args.rounds)
    if not args.no_memory:
        memory(args.versions, args.scales[-1], args.memory)


if __name__ == "__main__":
    main()
