"""An echo-state network trained with ridge regression to predict the chaotic
Mackey-Glass series, BrainPy style: `eqbrain.dyn.Reservoir` and a `Dense` readout in
training mode, fitted by `eqbrain.RidgeTrainer`.

The Mackey-Glass delay equation `dx/dt = 0.2 x(t - 17) / (1 + x(t - 17)^10) - 0.1 x` is
integrated with fourth-order Runge-Kutta (step 0.1) and sampled every time unit. The
network sees `x(t)` and learns `x(t + HORIZON)`: a warm-up run, a ridge fit of the
readout on the next `TRAIN` samples, then prediction of the `TEST` samples after them.
It prints the normalized root-mean-square error and saves `esn_mackey_glass.png`.

    pip install ".[examples]" && python examples/esn_mackey_glass.py
"""

from __future__ import annotations

import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np

import eqbrain
from eqbrain import dnn

HORIZON = 10  # predict this many time units ahead
WARMUP, TRAIN, TEST = 100, 2000, 500


def mackey_glass(n: int, tau: float = 17.0, dt: float = 0.1, x0: float = 1.2, every: int = 10):
    """`n` samples of the Mackey-Glass series, one per `every * dt` time units."""
    lag = int(round(tau / dt))
    steps = n * every + lag
    x = np.full(steps + lag, x0)

    def f(x_now, x_lag):
        return 0.2 * x_lag / (1 + x_lag**10) - 0.1 * x_now

    for i in range(lag, steps + lag - 1):
        xl, xl1 = x[i - lag], x[i - lag + 1]
        xm = 0.5 * (xl + xl1)  # the delayed value halfway through the step
        k1 = f(x[i], xl)
        k2 = f(x[i] + 0.5 * dt * k1, xm)
        k3 = f(x[i] + 0.5 * dt * k2, xm)
        k4 = f(x[i] + dt * k3, xl1)
        x[i + 1] = x[i] + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return x[2 * lag :: every][:n].astype(np.float32)


class ESN(eqbrain.DynamicalSystem):
    """A leaky reservoir read out by a trained `Dense` layer."""

    r: eqbrain.dyn.Reservoir
    o: dnn.Dense

    def __init__(self, num_in: int, num_hidden: int, num_out: int, seed: int = 0):
        super().__init__()
        self.r = eqbrain.dyn.Reservoir(
            num_in,
            num_hidden,
            leaky_rate=0.3,
            spectral_radius=1.1,
            Win_initializer=eqbrain.init.Uniform(-1.0, 1.0),
            in_connectivity=1.0,
            rec_connectivity=0.1,
            key=jax.random.key(seed),
            batch_size=1,
        )
        self.o = dnn.Dense(num_hidden, num_out, mode=eqbrain.training_mode)

    def update(self, x):
        return x >> self.r >> self.o


def nrmse(y, y_hat) -> float:
    return float(np.sqrt(np.mean((y - y_hat) ** 2)) / np.std(y))


def main(
    num_hidden: int = 300,
    seed: int = 0,
    warmup: int = WARMUP,
    train: int = TRAIN,
    test: int = TEST,
    png: str | None = "esn_mackey_glass.png",
    verbose: bool = True,
):
    """Fit and predict; return the test NRMSE."""
    series = mackey_glass(warmup + train + test + HORIZON)
    series = (series - series.mean()) / series.std()
    xs, ys = series[:-HORIZON, None], series[HORIZON:, None]
    cut = [warmup, warmup + train]
    X_warm, X_train, X_test = (jnp.asarray(a[None]) for a in np.split(xs, cut))
    _, Y_train, Y_test = np.split(ys, cut)

    began = time.perf_counter()
    model = ESN(1, num_hidden, 1, seed)
    trainer = eqbrain.RidgeTrainer(model, alpha=1e-6)
    trainer.predict(X_warm)  # wash out the initial state
    trainer.fit((X_train, jnp.asarray(Y_train[None])))
    Y_hat = np.asarray(trainer.predict(X_test))[0]
    error = nrmse(Y_test, Y_hat)
    if verbose:
        print(
            f"{num_hidden} units, {train} training samples, {time.perf_counter() - began:.1f} s: "
            f"NRMSE {error:.4f} predicting {HORIZON} steps ahead over {test} test samples"
        )
    if png:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(8, 3))
        ax.plot(Y_test[:, 0], label="Mackey-Glass", lw=2)
        ax.plot(Y_hat[:, 0], "--", label=f"ESN prediction (NRMSE {error:.3f})")
        ax.set(xlabel="time step", ylabel=f"x(t + {HORIZON}), normalized")
        ax.legend(loc="upper right")
        fig.tight_layout()
        fig.savefig(png, dpi=100)
        if verbose:
            print(f"figure saved to {png}")
    return error


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--hidden", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--png", default="esn_mackey_glass.png", help="figure ('' for none)")
    args = parser.parse_args()
    main(args.hidden, args.seed, png=args.png or None)
