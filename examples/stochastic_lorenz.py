"""The stochastic Lorenz system, integrated by `sdeint` and run by `IntegratorRunner`.

    dx = sigma (y - x) dt + p x dW_x
    dy = (x (rho - z) - y) dt + p y dW_y         sigma = 10, rho = 28, beta = 8/3, p = 0.1
    dz = (x y - beta z) dt + p z dW_z

BrainPy's `docs/tutorial_toolbox/sde_numerical_solvers.ipynb` ported by renaming
(`bp.` to `eqbrain.`): the same `f`, `g`, `sdeint` call and runner.

    python examples/stochastic_lorenz.py

runs 50 time units at dt = 0.001 and saves `stochastic_lorenz.png`.
"""

from __future__ import annotations

import argparse

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import eqbrain  # noqa: E402

sigma = 10
beta = 8 / 3
rho = 28
p = 0.1


def lorenz_g(x, y, z, t):
    return p * x, p * y, p * z


def lorenz_f(x, y, z, t):
    dx = sigma * (y - x)
    dy = x * (rho - z) - y
    dz = x * y - beta * z
    return dx, dy, dz


def main(duration: float = 50.0, png: str | None = "stochastic_lorenz.png", seed: int = 0):
    """Run the system for `duration`; return the runner (its records in `runner.mon`)."""
    eqbrain.random.seed(seed)
    lorenz = eqbrain.sdeint(
        f=lorenz_f,
        g=lorenz_g,
        intg_type=eqbrain.integrators.ITO_SDE,
        wiener_type=eqbrain.integrators.SCALAR_WIENER,
    )
    runner = eqbrain.IntegratorRunner(
        lorenz, monitors=["x", "y", "z"], dt=0.001, inits=[1.0, 1.0, 0.0], progress_bar=False
    )
    runner.run(duration)
    if png:
        fig = plt.figure()
        ax = fig.add_subplot(111, projection="3d")
        ax.plot(runner.mon.x.squeeze(), runner.mon.y.squeeze(), runner.mon.z.squeeze())
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_zlabel("z")
        fig.savefig(png)
        plt.close(fig)
    print(
        f"{runner.mon.ts.size} steps; z ranges over [{runner.mon.z.min():.1f}, "
        f"{runner.mon.z.max():.1f}]"
    )
    return runner


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="The stochastic Lorenz system.")
    parser.add_argument("--duration", type=float, default=50.0)
    main(parser.parse_args().duration)
