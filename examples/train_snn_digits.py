"""Train a spiking network with surrogate gradients (back-propagation through time) to
classify scikit-learn's bundled handwritten digits, BrainPy style: `eqbrain.BPTT`.

Each 8x8 digit is rate-encoded as Poisson-like spikes: pixel `p` (0..16) fires with
probability `p / 16 * RATE` at each of `STEPS` steps of 1 ms (drawn once, seeded). The
network is `Linear(64, HIDDEN) -> Lif(HIDDEN) -> Linear(HIDDEN, 10)`, built in
`eqbrain.training_mode` so that the LIF neurons emit surrogate spikes; the class scores
are the readout summed over time, trained with cross-entropy and Adam. It prints the
test accuracy and saves `train_snn_digits.png` (the loss and accuracy per epoch).

    pip install ".[examples]" && python examples/train_snn_digits.py
"""

from __future__ import annotations

import argparse
import time

import jax.numpy as jnp
import numpy as np

import eqbrain
from eqbrain import dnn, losses, optim

STEPS = 25  # time steps per digit (dt = 1 ms)
RATE = 0.5  # the firing probability per step of a full-intensity pixel
HIDDEN = 128


def load_digits(steps: int = STEPS, seed: int = 0, n: int | None = None):
    """Rate-encoded digits: `(X_train, y_train, X_test, y_test)`, X `(samples, steps,
    64)` spikes as float32, a fixed 80/20 split."""
    from sklearn.datasets import load_digits as sk_digits  # the examples extra

    pixels, targets = sk_digits(return_X_y=True)
    images, labels = pixels[:n] / 16.0, targets[:n]
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(labels))
    images, labels = images[order], labels[order]
    spikes = rng.random((len(labels), steps, 64)) < images[:, None, :] * RATE
    X, y = spikes.astype(np.float32), labels.astype(np.int32)
    cut = int(0.8 * len(y))
    return X[:cut], y[:cut], X[cut:], y[cut:]


def build(hidden: int = HIDDEN, seed: int = 0) -> eqbrain.Sequential:
    """`Linear(64, hidden) -> Lif(hidden) -> Linear(hidden, 10)` in training mode."""
    eqbrain.random.seed(seed)
    with eqbrain.environment(mode=eqbrain.training_mode):
        return eqbrain.Sequential(
            dnn.Linear(64, hidden, W_initializer=eqbrain.init.KaimingNormal(scale=6.0)),
            eqbrain.dyn.Lif(hidden, tau=10.0, V_th=1.0, V_reset=0.0),
            dnn.Linear(hidden, 10),
        )


def loss_fun(outputs, labels):
    """Cross-entropy of the readout `(batch, time, 10)` summed over time."""
    return losses.cross_entropy_loss(outputs.sum(1), labels)


def batches(X, y, size: int, seed: int):
    """An epoch of shuffled `(X, y)` batches (a function, so each epoch reshuffles)."""
    rng = np.random.default_rng(seed)

    def epoch():
        order = rng.permutation(len(y))
        for i in range(0, len(y) - size + 1, size):
            idx = order[i : i + size]
            yield jnp.asarray(X[idx]), jnp.asarray(y[idx])

    return epoch


def accuracy(trainer, X, y) -> float:
    out = trainer.predict(jnp.asarray(X), reset_state=True)
    return float(np.mean(np.asarray(out).mean(1).argmax(-1) == y))


def main(
    epochs: int = 10,
    hidden: int = HIDDEN,
    batch: int = 64,
    seed: int = 0,
    n: int | None = None,
    png: str | None = "train_snn_digits.png",
    verbose: bool = True,
):
    """Train; return `(test accuracy, train losses per epoch, seconds)`."""
    X_train, y_train, X_test, y_test = load_digits(seed=seed, n=n)
    net = build(hidden, seed)
    trainer = eqbrain.BPTT(net, loss_fun=loss_fun, optimizer=optim.Adam(lr=5e-3), dt=1.0)
    accs = []
    began = time.perf_counter()
    for epoch in range(epochs):
        trainer.fit(batches(X_train, y_train, batch, seed + epoch), num_epoch=1)
        accs.append(accuracy(trainer, X_test, y_test))
        if verbose:
            print(
                f"epoch {epoch}: train loss {trainer.train_losses[-1]:.4f}, "
                f"test accuracy {accs[-1]:.3f}"
            )
    seconds = time.perf_counter() - began
    if verbose:
        print(
            f"{len(y_train)} training digits, {epochs} epochs in {seconds:.1f} s: "
            f"test accuracy {accs[-1]:.3f} on {len(y_test)} digits"
        )
    if png:
        import matplotlib.pyplot as plt

        fig, (a, b) = plt.subplots(1, 2, figsize=(8, 3))
        a.plot(trainer.train_losses, "o-")
        a.set(xlabel="epoch", ylabel="training loss", title="cross-entropy")
        b.plot(accs, "o-", color="C1")
        b.set(xlabel="epoch", ylabel="test accuracy", ylim=(0, 1), title="held-out digits")
        fig.tight_layout()
        fig.savefig(png, dpi=100)
        if verbose:
            print(f"figure saved to {png}")
    return accs[-1], np.asarray(trainer.train_losses), seconds


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--hidden", type=int, default=HIDDEN)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--png", default="train_snn_digits.png", help="figure ('' for none)")
    args = parser.parse_args()
    main(args.epochs, args.hidden, seed=args.seed, png=args.png or None)
