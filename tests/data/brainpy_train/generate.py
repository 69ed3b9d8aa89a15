"""Record BrainPy 2.x trainings for eqbrain's trainers to match.

Run once, in a virtual environment with BrainPy (never a dependency of eqbrain):

    python -m venv /tmp/bp && /tmp/bp/bin/pip install 'brainpy[cpu]>=2.8,<3'
    /tmp/bp/bin/python tests/data/brainpy_train/generate.py

It writes `train.npz` beside itself: for each case `<case>/...` the arrays the case was
built from (`arg/...`: weights, inputs, targets, drawn here from NumPy's seeded
generator, so nothing depends on BrainPy's random numbers) and what BrainPy computed
(fitted weights, the losses of each epoch, predictions), and `brainpy_version`.

- `ridge`, `linear`: `bp.OfflineTrainer` fitting the `Dense` readout of a fixed tanh
  reservoir (10 units, 3 inputs, 40 steps, batch 2) with `fit_method` ridge
  (`alpha=1e-4`) or linear least squares; then `predict` on new inputs.
- `force`, `lms`: `bp.ForceTrainer(alpha=0.5)` and `bp.OnlineTrainer` with LMS
  (`alpha=0.01`) on the same network, 30 steps, batch 1.
- `bptt_rnn`: `bp.BPTT` on a tanh RNN (2 -> 4 -> 1), Adam(lr=0.02), 3 epochs of two
  batches (3 trials, 6 steps), mean squared error.
- `bptt_snn`: `bp.BPTT` on `Linear(4, 6) -> Lif(6) -> Linear(6, 2)` in training mode
  (surrogate spikes, InvSquareGrad), Adam(lr=0.05), 4 epochs of one batch (5 trials,
  20 steps), the mean squared error of the outputs averaged over time.
- `bpff`: `bp.BPFF` on `x W + b` (3 -> 2), SGD(lr=0.1), 3 epochs.
- `algorithms`: `RidgeRegression`, `LinearRegression` on a (50, 4) -> (50, 2) problem;
  one `RLS` and one `LMS` step.
"""

from __future__ import annotations

import pathlib

import brainpy as bp
import brainpy.math as bm
import jax.numpy as jnp
import numpy as np

OUT = pathlib.Path(__file__).with_name("train.npz")
rng = np.random.default_rng(20261207)
record: dict[str, np.ndarray] = {"brainpy_version": np.asarray(bp.__version__)}


def f32(shape, scale=1.0, shift=0.0):
    return (rng.standard_normal(shape) * scale + shift).astype(np.float32)


def save(case: str, **arrays) -> None:
    for k, v in arrays.items():
        record[f"{case}/{k}"] = np.asarray(v)


# -- offline and online: a fixed reservoir with a Dense readout -------------------------------
Win, Wrec = f32((3, 10), 0.5), f32((10, 10), 0.3)
W0, b0 = f32((10, 2), 0.1), f32((2,), 0.1)


class Reservoir(bp.DynamicalSystem):
    def __init__(self):
        super().__init__(mode=bm.batching_mode)
        self.h = bm.Variable(bm.zeros((1, 10)), batch_axis=0)
        self.o = bp.dnn.Dense(
            10,
            2,
            W_initializer=jnp.asarray(W0),
            b_initializer=jnp.asarray(b0),
            mode=bm.training_mode,
        )

    def reset_state(self, batch_size=1, **kwargs):
        self.h.value = bm.zeros((batch_size, 10))

    def update(self, x):
        self.h.value = bm.tanh(bm.as_jax(x) @ Win + self.h.value @ Wrec)
        return self.o(self.h.value)


X, X2 = f32((2, 40, 3)), f32((2, 40, 3))
Y = np.stack([np.sin(np.cumsum(X[..., 0], 1) * 0.2), np.cos(X[..., 1])], -1).astype(np.float32)
for case, method in (("ridge", {"name": "ridge", "alpha": 1e-4}), ("linear", "linear")):
    model = Reservoir()
    trainer = bp.OfflineTrainer(model, fit_method=method, progress_bar=False)
    trainer.fit((jnp.asarray(X), jnp.asarray(Y)), reset_state=True)
    pred = trainer.predict(jnp.asarray(X2), reset_state=True)
    save(case, W=model.o.W.value, b=model.o.b.value, predict=pred)
save("offline", arg_Win=Win, arg_Wrec=Wrec, arg_W0=W0, arg_b0=b0, arg_X=X, arg_Y=Y, arg_X2=X2)

Xo, Yo = X[:1, :30], Y[:1, :30]
for case, make in (
    ("force", lambda m: bp.ForceTrainer(m, alpha=0.5, progress_bar=False)),
    (
        "lms",
        lambda m: bp.OnlineTrainer(
            m, fit_method={"name": "lms", "alpha": 0.01}, progress_bar=False
        ),
    ),
):
    model = Reservoir()
    trainer = make(model)
    out = trainer.fit((jnp.asarray(Xo), jnp.asarray(Yo)), reset_state=True)
    save(case, W=model.o.W.value, b=model.o.b.value, outputs=out)

# -- back-propagation through time: a tanh RNN -------------------------------------------------
Wi, Wh, Wo = f32((2, 4), 0.3), f32((4, 4), 0.3), f32((4, 1), 0.3)


class TinyRNN(bp.DynamicalSystem):
    def __init__(self):
        super().__init__(mode=bm.training_mode)
        self.wi, self.wh, self.wo = bm.TrainVar(Wi), bm.TrainVar(Wh), bm.TrainVar(Wo)
        self.h = bm.Variable(bm.zeros((1, 4)), batch_axis=0)

    def reset_state(self, batch_size=1, **kwargs):
        self.h.value = bm.zeros((batch_size, 4))

    def update(self, x):
        self.h.value = bm.tanh(bm.as_jax(x) @ self.wi + self.h.value @ self.wh)
        return self.h.value @ self.wo


batches = [(jnp.asarray(f32((3, 6, 2))), jnp.asarray(f32((3, 6, 1)))) for _ in range(2)]
model = TinyRNN()
trainer = bp.BPTT(model, loss_fun=bp.losses.mean_squared_error, optimizer=bp.optim.Adam(lr=0.02))
trainer.fit(batches, num_epoch=3)
save(
    "bptt_rnn",
    arg_Wi=Wi,
    arg_Wh=Wh,
    arg_Wo=Wo,
    arg_X=np.stack([b[0] for b in batches]),
    arg_Y=np.stack([b[1] for b in batches]),
    train_losses=trainer.train_losses,
    detailed=trainer.get_hist_metric("fit", which="detailed"),
    wi=model.wi.value,
    wh=model.wh.value,
    wo=model.wo.value,
    predict=trainer.predict(batches[0][0], reset_state=True),
)

# -- back-propagation through time: a spiking network with surrogate gradients ---------------
W1, W2 = f32((4, 6), 2.0, 3.0), f32((6, 2), 0.5)
with bm.environment(mode=bm.training_mode):
    snn = bp.Sequential(
        bp.dnn.Linear(4, 6, W_initializer=jnp.asarray(W1), b_initializer=None),
        bp.dyn.Lif(6, V_th=1.0, tau=5.0, V_reset=0.0),
        bp.dnn.Linear(6, 2, W_initializer=jnp.asarray(W2), b_initializer=None),
    )


def snn_loss(predicts, targets):
    return bp.losses.mean_squared_error(predicts.mean(1), targets)


Xs, Ys = rng.random((5, 20, 4)).astype(np.float32), f32((5, 2), 0.2)
trainer = bp.BPTT(snn, loss_fun=snn_loss, optimizer=bp.optim.Adam(lr=0.05))
trainer.fit([(jnp.asarray(Xs), jnp.asarray(Ys))], num_epoch=4)
save(
    "bptt_snn",
    arg_W1=W1,
    arg_W2=W2,
    arg_X=Xs,
    arg_Y=Ys,
    train_losses=trainer.train_losses,
    W1=snn[0].W.value,
    W2=snn[2].W.value,
)

# -- back-propagation, feedforward ------------------------------------------------------------
Wf, bf = f32((3, 2), 0.5), f32((2,), 0.1)


class TinyFF(bp.DynamicalSystem):
    def __init__(self):
        super().__init__(mode=bm.training_mode)
        self.w, self.b = bm.TrainVar(Wf), bm.TrainVar(bf)

    def update(self, x):
        return bm.as_jax(x) @ self.w + self.b


Xf, Yf = f32((8, 3)), f32((8, 2))
model = TinyFF()
trainer = bp.BPFF(model, loss_fun=bp.losses.mean_squared_error, optimizer=bp.optim.SGD(lr=0.1))
trainer.fit([(jnp.asarray(Xf), jnp.asarray(Yf))], num_epoch=3)
save(
    "bpff",
    arg_W=Wf,
    arg_b=bf,
    arg_X=Xf,
    arg_Y=Yf,
    train_losses=trainer.train_losses,
    w=model.w.value,
    b=model.b.value,
)

# -- the algorithms alone ---------------------------------------------------------------------
A, T = f32((50, 4)), f32((50, 2))
x1, t1, y1 = f32((1, 4)), f32((1, 2)), f32((1, 2))
rls = bp.algorithms.RLS(alpha=0.3)
rls.register_target(4, identifier="n")
save(
    "algorithms",
    arg_A=A,
    arg_T=T,
    arg_x=x1,
    arg_t=t1,
    arg_y=y1,
    ridge=bp.algorithms.RidgeRegression(alpha=0.5)(T, A),
    linear=bp.algorithms.LinearRegression()(T, A),
    rls_dW=rls(target=t1, input=x1, output=y1, identifier="n"),
    rls_P=rls.implicit_vars["n.rls.P"].value,
    lms_dW=bp.algorithms.LMS(alpha=0.1)(t1, x1, y1),
)

np.savez_compressed(OUT, **record)
print(f"wrote {OUT} ({len(record)} arrays, BrainPy {bp.__version__})")
