"""Train a rate RNN in place, BrainPy style: TrainVar weights, a hidden-state Variable,
`eqbrain.value_and_grad` + `eqbrain.optim.Adam` with a learning-rate Scheduler, and the
whole training step compiled once by `eqbrain.jit`.

The task: the network sees a sine wave of random frequency and phase and must output
the same wave `DELAY` steps late, so it has to remember its recent input.

    python examples/train_rate_rnn.py
"""

from __future__ import annotations

import time

import equinox as eqx
import jax
import jax.numpy as jnp

import eqbrain
from eqbrain import optim

DELAY = 4  # time steps the output lags the input
T = 40  # time steps per trial
BATCH = 64  # trials per batch


class RateRNN(eqbrain.Module):
    """`h <- (1 - a) h + a (W_rec tanh(h) + W_in x + b)`, read out as `W_out tanh(h)`."""

    w_in: eqbrain.TrainVar
    w_rec: eqbrain.TrainVar
    b: eqbrain.TrainVar
    w_out: eqbrain.TrainVar
    h: eqbrain.Variable  # the hidden state: changes every step, is not trained
    alpha: float = eqx.field(static=True)  # dt / tau

    def __init__(self, n_in: int, n_hidden: int, n_out: int, key: jax.Array, alpha=0.5, name=None):
        super().__init__(name=name)
        self.alpha = alpha
        k_in, k_rec, k_out = jax.random.split(key, 3)
        self.w_in = eqbrain.TrainVar(jax.random.normal(k_in, (n_in, n_hidden)))
        self.w_rec = eqbrain.TrainVar(
            jax.random.normal(k_rec, (n_hidden, n_hidden)) * 0.9 / jnp.sqrt(n_hidden)
        )
        self.b = eqbrain.TrainVar(jnp.zeros(n_hidden))
        self.w_out = eqbrain.TrainVar(jax.random.normal(k_out, (n_hidden, n_out)) * 0.1)
        self.h = eqbrain.Variable(jnp.zeros((1, n_hidden)), batch_axis=0)

    def step(self, x: jax.Array) -> jax.Array:
        r = jnp.tanh(self.h.value)
        drive = r @ self.w_rec.value + x @ self.w_in.value + self.b.value
        self.h.value = (1 - self.alpha) * self.h.value + self.alpha * drive
        return jnp.tanh(self.h.value) @ self.w_out.value

    def loss(self, xs: jax.Array, ys: jax.Array) -> jax.Array:
        """Mean squared error over a batch of trials; `xs`, `ys` are (time, batch, dim)."""
        self.h.value = jnp.zeros((xs.shape[1], self.h.shape[1]))  # a fresh batch of trials
        outs = eqbrain.for_loop(self.step, xs)
        return jnp.mean((outs[DELAY:] - ys[DELAY:]) ** 2)


def make_batch(key: jax.Array) -> tuple[jax.Array, jax.Array]:
    """Sine waves of random frequency and phase, and the same waves `DELAY` steps late."""
    k_freq, k_phase = jax.random.split(key)
    freq = jax.random.uniform(k_freq, (1, BATCH, 1), minval=0.1, maxval=0.4)
    phase = jax.random.uniform(k_phase, (1, BATCH, 1), maxval=2 * jnp.pi)
    t = jnp.arange(T, dtype=jnp.float32)[:, None, None]
    return jnp.sin(freq * t + phase), jnp.sin(freq * (t - DELAY) + phase)


def main(n_steps: int = 1500, seed: int = 0, verbose: bool = True) -> tuple[float, float]:
    """Train for `n_steps` batches; return the first and the last training loss."""
    key = jax.random.PRNGKey(seed)
    net = RateRNN(1, 64, 1, key)
    lr = optim.WarmupCosineLR(1e-2, warmup_steps=n_steps // 20, decay_steps=n_steps)
    opt = optim.Adam(lr=lr, train_vars=net.train_vars())
    loss_and_grad = eqbrain.value_and_grad(net.loss, grad_vars=net.train_vars())

    @eqbrain.jit
    def train_step(key):
        xs, ys = make_batch(key)
        loss, grads = loss_and_grad(xs, ys)
        opt.update(grads)  # writes the new weights and Adam's state in place
        return loss

    start = time.perf_counter()
    losses = []
    for i in range(n_steps):
        losses.append(train_step(jax.random.fold_in(key, i)))
        if verbose and (i % max(1, n_steps // 10) == 0 or i == n_steps - 1):
            print(f"step {i:5d}  loss {float(losses[-1]):.5f}  lr {float(lr(i)):.2e}")
    first, last = float(losses[0]), float(jnp.mean(jnp.stack(losses[-10:])))
    if verbose:
        print(
            f"loss {first:.4f} -> {last:.4f} ({first / last:.0f}x lower) in {n_steps} steps, "
            f"{time.perf_counter() - start:.1f} s; "
            f"the schedule ran {int(lr.last_call) + 1} times"
        )
    return first, last


if __name__ == "__main__":
    main()
