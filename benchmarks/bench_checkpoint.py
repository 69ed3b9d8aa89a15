"""Save and load a model of ~500 MB of float32 Variables, side by side in one run.

Compares `eqbrain.save` / `eqbrain.load` (with and without per-tensor checksums) with
`eqx.tree_serialise_leaves`, plain `safetensors.numpy` on the same arrays, and BrainPy's
`save_pytree` / `load_pytree` (when BrainPy 2.x is importable). Saves are timed with and
without fsync for eqbrain and safetensors (same durability on each side); loads read
from the page cache and end with the arrays on the JAX device (for safetensors both
with and without that copy). The last lines compare the ratios with the targets (saves
and loads within 1.2x of plain safetensors, checksummed loads within 1.5x).

Peak memory is the growth of the process's peak RSS during the call (Linux:
`/proc/self/clear_refs` resets the peak), i.e. what the call needs beyond the model.

    python benchmarks/bench_checkpoint.py [--size-mb 500] [--repeat 7] [--dir DIR]
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import tempfile
import time

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import safetensors.numpy as stnp

import eqbrain


class Layer(eqbrain.Module):
    w: eqbrain.TrainVar
    b: eqbrain.Variable

    def __init__(self, n: int, seed: int):
        super().__init__()
        rng = np.random.default_rng(seed)
        self.w = eqbrain.TrainVar(jnp.asarray(rng.standard_normal(n, dtype=np.float32)))
        self.b = eqbrain.Variable(jnp.zeros(1024, jnp.float32))


class Model(eqbrain.Module):
    layers: eqbrain.NodeList

    def __init__(self, size_mb: float, n_layers: int = 50):
        super().__init__()
        n = max(1, int(size_mb * 1e6 / 4 / n_layers))
        self.layers = eqbrain.NodeList([Layer(n, i) for i in range(n_layers)])


def _rss_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def measure(fn, repeat: int):
    """(median seconds, peak extra MB over the RSS before the call)."""
    times, peaks = [], []
    for _ in range(repeat):
        gc.collect()
        os.sync()  # start clean: no earlier case's dirty pages to throttle or flush
        ok = _reset_peak()
        base = _rss_kb("VmRSS")
        t0 = time.perf_counter()
        out = fn()
        jax.block_until_ready(out)
        times.append(time.perf_counter() - t0)
        peaks.append((_rss_kb("VmHWM") - base) / 1e3 if ok else float("nan"))
        del out
    return statistics.median(times), max(peaks)


def fsync_path(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=float, default=500.0)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--dir", default=None, help="where to write (default: a temp dir)")
    args = ap.parse_args()

    folder = tempfile.mkdtemp(prefix="bench_ckpt_", dir=args.dir)
    model = Model(args.size_mb)
    state = model.vars(method="relative").unique()
    arrays = {k: np.asarray(v.value) for k, v in state.items()}
    nbytes = sum(a.nbytes for a in arrays.values())
    gb = nbytes / 1e9
    print(
        f"model: {len(arrays)} Variables, {nbytes / 1e6:.0f} MB float32; jax {jax.__version__},"
        f" {jax.devices()[0].platform}; files in {folder}"
    )
    p = lambda name: os.path.join(folder, name)  # noqa: E731
    rows: list[tuple[str, str, float, float, float]] = []

    cases: list = []

    def run(name, op, fn):
        cases.append((name, op, fn))

    # -- eqbrain ------------------------------------------------------------------------
    run("eqbrain.save (fsync)", "save", lambda: eqbrain.save(p("e.safetensors"), model))
    run(
        "eqbrain.save (fsync, checksum)",
        "save",
        lambda: eqbrain.save(p("c.safetensors"), model, checksum=True),
    )
    run(
        "eqbrain.save (no fsync)",
        "save",
        lambda: eqbrain.save(p("e.safetensors"), model, fsync=False),
    )
    target = Model(args.size_mb)  # same structure; loads overwrite its values

    def eq_load(name):
        def go():
            eqbrain.load(p(name), target, strict=True)
            return [v.value for v in target.vars().values()]

        return go

    run("eqbrain.load", "load", eq_load("e.safetensors"))
    run("eqbrain.load (checksum verified)", "load", eq_load("c.safetensors"))

    # -- plain safetensors on the same arrays ----------------------------------------------
    def st_save_fsync():
        stnp.save_file(arrays, p("s.safetensors"))
        fsync_path(p("s.safetensors"))

    run("safetensors.numpy.save_file (+ fsync)", "save", st_save_fsync)

    def st_save_atomic():  # the same durability as eqbrain.save, done by hand
        tmp = p("s.safetensors.tmp")
        stnp.save_file(arrays, tmp)
        fsync_path(tmp)
        os.replace(tmp, p("s.safetensors"))
        fsync_path(folder)

    run("safetensors.numpy.save_file (atomic: tmp+fsync+rename)", "save", st_save_atomic)
    run(
        "safetensors.numpy.save_file (no fsync)",
        "save",
        lambda: stnp.save_file(arrays, p("s.safetensors")),
    )
    run(
        "safetensors.numpy.load_file (numpy)",
        "load",
        lambda: list(stnp.load_file(p("s.safetensors")).values()),
    )
    run(
        "safetensors.numpy.load_file + device_put",
        "load",
        lambda: [jax.device_put(a) for a in stnp.load_file(p("s.safetensors")).values()],
    )

    # -- Equinox ---------------------------------------------------------------------------
    run(
        "eqx.tree_serialise_leaves (no fsync)",
        "save",
        lambda: eqx.tree_serialise_leaves(p("x.eqx"), model),
    )
    run(
        "eqx.tree_deserialise_leaves",
        "load",
        lambda: jax.tree_util.tree_leaves(eqx.tree_deserialise_leaves(p("x.eqx"), target)),
    )

    # -- BrainPy ---------------------------------------------------------------------------
    try:
        import brainpy as bp
        import brainpy.math as bm

        class BPLayer(bp.BrainPyObject):
            def __init__(self, w, b):
                super().__init__()
                self.w = bm.TrainVar(w)
                self.b = bm.Variable(b)

        class BPModel(bp.BrainPyObject):
            def __init__(self):
                super().__init__()
                self.layers = bm.NodeList(
                    [BPLayer(arrays[f"layers-{i}.w"], arrays[f"layers-{i}.b"]) for i in range(50)]
                )

        bp_model = BPModel()
        bp_state = bp_model.state_dict()
        run(
            f"brainpy {bp.__version__} save_pytree (no fsync)",
            "save",
            lambda: bp.checkpoints.save_pytree(p("b.bp"), bp_state, verbose=False),
        )

        def bp_load():
            loaded = bp.checkpoints.load_pytree(p("b.bp"))
            bp_model.load_state_dict(loaded)
            return [v.value for v in bp_model.vars().values()]

        run("brainpy load_pytree + load_state_dict", "load", bp_load)
    except Exception as e:  # not installed, or an incompatible version
        print(f"  brainpy: not run ({type(e).__name__}: {str(e)[:80]})")

    # Interleaved repeats: a drifting machine load affects every case alike.
    times: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    peaks: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    for r in range(args.repeat + 1):
        for name, _, fn in cases:
            t, mb = measure(fn, 1)
            if r:  # the first round warms caches and files up
                times[name].append(t)
                peaks[name].append(mb)
    for name, op, _ in cases:
        t, med, mb = min(times[name]), statistics.median(times[name]), max(peaks[name])
        rows.append((name, op, t, med, mb))
        print(f"  {name:<56} {op:<5} {t * 1e3:9.1f} ms  {gb / t:6.2f} GB/s  {mb:8.0f} MB")
    shutil.rmtree(folder, ignore_errors=True)

    # -- the table -------------------------------------------------------------------------
    def durable(name: str) -> bool:
        return "no fsync" not in name and "fsync" in name or "(atomic" in name

    ref_save_fsync = next(t for n, _, t, _, _ in rows if "(atomic" in n)
    ref_save = next(t for n, _, t, _, _ in rows if n.startswith("safetensors") and "no fsync" in n)
    ref_load = next(t for n, _, t, _, _ in rows if n.endswith("+ device_put"))
    print()
    print(f"{args.size_mb:.0f} MB model, best and median of {args.repeat} interleaved rounds;")
    print("ratio = best time / best time of plain safetensors at the same durability (fsync")
    print("rows vs safetensors made atomic by hand, others vs no fsync; loads vs")
    print("safetensors + device_put).")
    print("Peak = growth of peak RSS during the call (the largest over the rounds).")
    print()
    print(
        "| library | op | best (ms) | median (ms) | GB/s (best) | vs safetensors | peak extra MB |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, op, t, med, mb in rows:
        if op == "load":
            r = t / ref_load
        elif durable(name):
            r = t / ref_save_fsync
        else:
            r = t / ref_save
        cells = [name, op, f"{t * 1e3:.1f}", f"{med * 1e3:.1f}", f"{gb / t:.2f}"]
        print("| " + " | ".join(cells + [f"{r:.2f}x", f"{mb:.0f}"]) + " |")

    best = {n: t for n, _, t, _, _ in rows}
    print()
    print("Targets (best times):")
    for label, num, den, limit in [
        ("durable save", "eqbrain.save (fsync)", ref_save_fsync, 1.2),
        ("save without fsync", "eqbrain.save (no fsync)", ref_save, 1.2),
        ("load", "eqbrain.load", ref_load, 1.2),
        ("load with checksums", "eqbrain.load (checksum verified)", ref_load, 1.5),
        ("durable save with checksums", "eqbrain.save (fsync, checksum)", ref_save_fsync, None),
    ]:
        r = best[num] / den
        verdict = "" if limit is None else (" (met)" if r <= limit else " (NOT met)")
        target = "no target" if limit is None else f"target <= {limit}x"
        print(f"  {label}: {r:.2f}x of plain safetensors; {target}{verdict}")


if __name__ == "__main__":
    main()
