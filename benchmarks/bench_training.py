"""Training a spiking network with surrogate gradients in eqbrain, BrainPy 2.x and
brainpy.state: compile time, time per epoch, peak memory and final accuracy.

The task and network are `examples/train_snn_digits.py`'s: scikit-learn's 8x8 digits,
rate-encoded as spikes over 25 steps of 1 ms (drawn once, shared by every simulator),
`Linear(64, 128) -> LIF(128) -> Linear(128, 10)` with surrogate spikes (InvSquareGrad),
the cross-entropy of the readout summed over time, Adam (lr 5e-3), batches of 64, the
same number of epochs everywhere:

- **eqbrain**: `eqbrain.BPTT` on the example's `Sequential` in `training_mode`.
- **BrainPy 2.x**: `bp.BPTT` on the same `bp.Sequential(bp.dnn.Linear, bp.dyn.Lif,
  bp.dnn.Linear)` in `bm.training_mode`.
- **brainpy.state**: `brainstate.nn.Linear`, `brainpy.state.LIF` (currents in mA, R =
  1 ohm), a `brainstate.transform.for_loop` over the steps, `brainstate.transform.grad`
  and `braintools.optim.Adam`, jitted.
- **JAX, hand-written**: the same network as a pytree of four arrays, the LIF step
  (exponential Euler, soft reset, InvSquareGrad surrogate as a `jax.custom_vjp`) in a
  `lax.scan`, `jax.value_and_grad` and `optax.adam` in one `jax.jit` step: what the
  same XLA makes of this computation with no framework around it.

Each runs in a worker process of its own (the peers with `--peer-python`, for a
BrainPy installed in another environment). Printed: the first epoch minus a steady one
(compilation), the median steady epoch, the worker's peak resident memory, the final
test accuracy, and the ratios to BrainPy 2.x. Times are wall-clock seconds, or with `--cpu`
the worker's CPU seconds (all its threads), which move less with the load of a shared
machine.

    PYTHONPATH=src python benchmarks/bench_training.py [--epochs 5] [--peer-python PYTHON] [--cpu]
    nox -s bench -- training

`--memory` instead prints the device memory XLA plans for one eqbrain training step of a
long sequence, with and without `BPTT(checkpoint=...)` (`memory_analysis()` of the
compiled step).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
NAMES = {
    "eqbrain": "eqbrain",
    "brainpy": "BrainPy 2.x",
    "state": "brainpy.state",
    "jax": "JAX, hand-written",
}
HIDDEN, LR, BATCH = 128, 5e-3, 64


def _example():
    import importlib.util

    spec = importlib.util.spec_from_file_location("snn", ROOT / "examples" / "train_snn_digits.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _batches(X, y):
    import numpy as np

    order = np.random.default_rng(0).permutation(len(y))
    return [
        (X[order[i : i + BATCH]], y[order[i : i + BATCH]])
        for i in range(0, len(y) - BATCH + 1, BATCH)
    ]


_CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
_clock = time.perf_counter  # a worker's clock: `--cpu` makes it the process's CPU time


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_eqbrain(data, epochs):
    import jax.numpy as jnp
    import numpy as np

    import eqbrain

    ex = _example()
    net = ex.build(HIDDEN, seed=0)
    trainer = eqbrain.BPTT(net, loss_fun=ex.loss_fun, optimizer=eqbrain.optim.Adam(lr=LR), dt=1.0)
    train = [
        (jnp.asarray(a), jnp.asarray(b)) for a, b in _batches(data["X_train"], data["y_train"])
    ]
    times = []
    for _ in range(epochs):
        began = _clock()
        trainer.fit(train, num_epoch=1)
        times.append(_clock() - began)
    out = np.asarray(trainer.predict(jnp.asarray(data["X_test"]), reset_state=True))
    acc = float(np.mean(out.sum(1).argmax(-1) == data["y_test"]))
    return times, acc, f"eqbrain {eqbrain.__version__}"


def run_brainpy(data, epochs):
    import brainpy as bp
    import brainpy.math as bm
    import jax.numpy as jnp
    import numpy as np

    bm.random.seed(0)
    with bm.environment(mode=bm.training_mode):
        net = bp.Sequential(
            bp.dnn.Linear(64, HIDDEN, W_initializer=bp.init.KaimingNormal(scale=6.0)),
            bp.dyn.Lif(HIDDEN, tau=10.0, V_th=1.0, V_reset=0.0),
            bp.dnn.Linear(HIDDEN, 10),
        )

    def loss_fun(outputs, labels):
        return bp.losses.cross_entropy_loss(outputs.sum(1), labels)

    trainer = bp.BPTT(
        net, loss_fun=loss_fun, optimizer=bp.optim.Adam(lr=LR), dt=1.0, progress_bar=False
    )
    train = [
        (jnp.asarray(a), jnp.asarray(b)) for a, b in _batches(data["X_train"], data["y_train"])
    ]
    times = []
    for _ in range(epochs):
        began = _clock()
        trainer.fit(train, num_epoch=1)
        times.append(_clock() - began)
    out = np.asarray(trainer.predict(jnp.asarray(data["X_test"]), reset_state=True))
    acc = float(np.mean(out.sum(1).argmax(-1) == data["y_test"]))
    return times, acc, f"BrainPy {bp.__version__}"


def run_state(data, epochs):
    import brainpy.state as bps
    import brainstate
    import braintools
    import brainunit as u
    import jax.numpy as jnp
    import numpy as np

    brainstate.random.seed(0)
    brainstate.environ.set(dt=1.0 * u.ms)

    class Net(brainstate.nn.Module):
        def __init__(self):
            super().__init__()
            self.l1 = brainstate.nn.Linear(
                64, HIDDEN, w_init=braintools.init.KaimingNormal(scale=6.0)
            )
            self.lif = bps.LIF(
                HIDDEN,
                tau=10.0 * u.ms,
                V_th=1.0 * u.mV,
                V_reset=0.0 * u.mV,
                spk_fun=braintools.surrogate.InvSquareGrad(),
            )
            self.l2 = brainstate.nn.Linear(HIDDEN, 10)

        def update(self, x):
            return self.l2(self.lif(self.l1(x) * u.mA))

    net = Net()
    brainstate.nn.init_all_states(net, batch_size=BATCH)
    weights = net.states(brainstate.ParamState)
    opt = braintools.optim.Adam(lr=LR)
    opt.register_trainable_weights(weights)

    def run(x):  # x: (batch, time, 64)
        brainstate.nn.init_all_states(net, batch_size=x.shape[0])

        def step(i, xt):
            with brainstate.environ.context(i=i, t=i * u.ms):
                return net(xt)

        return brainstate.transform.for_loop(step, jnp.arange(x.shape[1]), jnp.moveaxis(x, 0, 1))

    def loss_fn(x, y):
        logits = run(x).sum(0)
        return braintools.metric.softmax_cross_entropy_with_integer_labels(logits, y).mean()

    @brainstate.transform.jit
    def train_step(x, y):
        grads, loss = brainstate.transform.grad(loss_fn, weights, return_value=True)(x, y)
        opt.update(grads)
        return loss

    predict = brainstate.transform.jit(run)
    train = [
        (jnp.asarray(a), jnp.asarray(b)) for a, b in _batches(data["X_train"], data["y_train"])
    ]
    times = []
    for _ in range(epochs):
        began = _clock()
        losses = [train_step(x, y) for x, y in train]
        losses[-1].block_until_ready()
        times.append(_clock() - began)
    out = np.asarray(predict(jnp.asarray(data["X_test"]))).sum(0)
    acc = float(np.mean(out.argmax(-1) == data["y_test"]))
    return times, acc, f"brainpy.state {bps.__version__}, brainstate {brainstate.__version__}"


def run_jax(data, epochs):
    import jax
    import jax.numpy as jnp
    import numpy as np
    import optax

    k1, k2 = jax.random.split(jax.random.key(0))
    kaiming = jax.nn.initializers.variance_scaling(6.0, "fan_in", "truncated_normal")
    params = {
        "W1": kaiming(k1, (64, HIDDEN)),
        "b1": jnp.zeros(HIDDEN),
        "W2": jax.nn.initializers.glorot_normal()(k2, (HIDDEN, 10)),
        "b2": jnp.zeros(10),
    }
    keep = float(np.exp(-1.0 / 10.0))  # exponential Euler over dt = 1 ms, tau = 10 ms

    @jax.custom_vjp
    def spike(x):
        return (x >= 0).astype(jnp.float32)

    def spike_fwd(x):
        return spike(x), x

    def spike_bwd(x, g):
        return (g / (100.0 * jnp.abs(x) + 1.0) ** 2,)

    spike.defvjp(spike_fwd, spike_bwd)

    def forward(p, x):  # x: (batch, time, 64) -> (time, batch, 10)
        def step(V, xt):
            V = V * keep + (xt @ p["W1"] + p["b1"]) * (1.0 - keep)  # V_rest 0, R 1
            s = spike(V - 1.0)  # V_th 1
            return V - s, s @ p["W2"] + p["b2"]  # soft reset by V_th - V_reset = 1

        V0 = jnp.zeros((x.shape[0], HIDDEN))
        return jax.lax.scan(step, V0, jnp.moveaxis(x, 0, 1))[1]

    def loss_fn(p, x, y):
        logits = forward(p, x).sum(0)
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()

    opt = optax.adam(LR)
    opt_state = opt.init(params)

    @jax.jit
    def train_step(p, state, x, y):
        loss, grads = jax.value_and_grad(loss_fn)(p, x, y)
        updates, state = opt.update(grads, state, p)
        return optax.apply_updates(p, updates), state, loss

    train = [
        (jnp.asarray(a), jnp.asarray(b)) for a, b in _batches(data["X_train"], data["y_train"])
    ]
    times = []
    for _ in range(epochs):
        began = _clock()
        for x, y in train:
            params, opt_state, loss = train_step(params, opt_state, x, y)
        loss.block_until_ready()
        times.append(_clock() - began)
    out = np.asarray(jax.jit(forward)(params, jnp.asarray(data["X_test"]))).sum(0)
    acc = float(np.mean(out.argmax(-1) == data["y_test"]))
    return times, acc, f"jax {jax.__version__}, optax {optax.__version__}"


RUNNERS = {
    "eqbrain": run_eqbrain,
    "brainpy": run_brainpy,
    "state": run_state,
    "jax": run_jax,
}


def worker(kind: str, data_file: str, epochs: int, clock: str) -> None:
    import numpy as np

    global _clock
    _clock = _CLOCKS[clock]
    data = dict(np.load(data_file))
    times, acc, version = RUNNERS[kind](data, epochs)
    print(json.dumps({"times": times, "accuracy": acc, "peak_mb": _peak_mb(), "version": version}))


def _spawn(python: str, kind: str, data_file: str, epochs: int, clock: str) -> dict:
    cmd = [python, __file__, "--worker", kind, data_file, str(epochs), clock]
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT / "src")}
    if python != sys.executable:
        env.pop("PYTHONPATH")  # a peer's environment has its own packages
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        lines = (out.stderr or "failed").strip().splitlines()
        return {"error": lines[-1] if lines else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _merge(runs: list[dict]) -> dict:
    """The median compile time, epoch time and memory of a simulator's workers."""
    good = [r for r in runs if "error" not in r]
    if not good:
        return runs[0]
    compiles, epochs = [], []
    for r in good:
        t = r["times"]
        epoch = statistics.median(t[1:]) if len(t) > 1 else t[0]
        compiles.append(t[0] - epoch)
        epochs.append(epoch)
    return {
        "compile": statistics.median(compiles),
        "epoch": statistics.median(epochs),
        "peak_mb": statistics.median(r["peak_mb"] for r in good),
        "accuracy": good[0]["accuracy"],
        "version": good[0]["version"],
    }


def memory(steps: int, chunk: int) -> None:
    """The device memory of one compiled eqbrain BPTT step over `steps` steps."""
    import jax.numpy as jnp

    import eqbrain

    ex = _example()
    X = jnp.ones((BATCH, steps, 64)) * 0.2
    y = jnp.zeros(BATCH, jnp.int32)
    print(f"| checkpoint | temporary memory (MB) | total (MB) |  ({steps} steps, batch {BATCH})")
    print("|---|---:|---:|")
    for k in (None, chunk):
        trainer = eqbrain.BPTT(ex.build(HIDDEN), loss_fun=ex.loss_fun, dt=1.0, checkpoint=k)
        trainer._reset(BATCH)
        mem = trainer.lower(X, y).compile().memory_analysis()
        temp = mem.temp_size_in_bytes / 2**20
        total = temp + (mem.argument_size_in_bytes + mem.output_size_in_bytes) / 2**20
        print(f"| {k} | {temp:.1f} | {total:.1f} |")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--peer-python", default=sys.executable, help="the Python of BrainPy")
    parser.add_argument("--only", nargs="+", default=list(RUNNERS), choices=list(RUNNERS))
    parser.add_argument("--repeats", type=int, default=1, help="fresh workers per simulator")
    parser.add_argument(
        "--cpu", action="store_true", help="time the workers' CPU time, not the wall clock"
    )
    parser.add_argument("--memory", type=int, nargs="?", const=2000, help="steps (default 2000)")
    args = parser.parse_args()
    if args.memory:
        memory(args.memory, chunk=50)
        return
    import numpy as np

    X_train, y_train, X_test, y_test = _example().load_digits(seed=0)
    with tempfile.TemporaryDirectory() as tmp:
        data_file = str(pathlib.Path(tmp) / "digits.npz")
        np.savez(data_file, X_train=X_train, y_train=y_train, X_test=X_test, y_test=y_test)
        runs: dict[str, list[dict]] = {k: [] for k in args.only}
        for _ in range(args.repeats):  # interleaved, so that load falls on all alike
            for k in args.only:
                python = sys.executable if k in ("eqbrain", "jax") else args.peer_python
                clock = "cpu" if args.cpu else "wall"
                runs[k].append(_spawn(python, k, data_file, args.epochs, clock))
    res = {k: _merge(r) for k, r in runs.items()}
    header = (
        "| | compile (s) | time per epoch (s) | peak memory (MB) | test accuracy "
        "| compile vs BrainPy | epoch vs BrainPy |"
    )
    print(
        f"{len(y_train)} training digits, {args.epochs} epochs, batch {BATCH}, 25 steps; "
        f"medians of {args.repeats} fresh worker(s) each; "
        f"{'CPU' if args.cpu else 'wall-clock'} seconds\n"
    )
    print(header)
    print("|---|---:|---:|---:|---:|---:|---:|")
    stats = {}
    for k, r in res.items():
        if "error" in r:
            print(f"| {NAMES[k]} | not available: {r['error'][:70]} | | | | | |")
            continue
        stats[k] = (r["compile"], r["epoch"])
    for k, (comp, epoch) in stats.items():
        r = res[k]
        vs = stats.get("brainpy")
        rc = f"{comp / vs[0]:.2f}x" if vs else "n/a"
        re = f"{epoch / vs[1]:.2f}x" if vs else "n/a"
        print(
            f"| {NAMES[k]} | {comp:.2f} | {epoch:.3f} | {r['peak_mb']:.0f} "
            f"| {r['accuracy']:.3f} | {rc} | {re} |"
        )
    for k, r in res.items():
        if "version" in r:
            print(f"\n{NAMES[k]}: {r['version']}", end="")
    print()


if __name__ == "__main__":
    main()
