"""BrainPy's rate and recurrent units: BrainPy 2.8's numbers on its recorded weights
(`tests/data/brainpy_cells/`), Equinox's cells on shared weights, modes and batches,
`Reservoir(comp_type=...)`, and bad input (the error names the argument and what to do,
and nothing changes)."""

from __future__ import annotations

import pathlib
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain

DATA = np.load(pathlib.Path(__file__).parent / "data" / "brainpy_cells" / "cells.npz")
TOL: dict[str, Any] = dict(rtol=1e-5, atol=1e-6)
# a reservoir with fixed weights (nothing drawn, nothing to compile while building)
FIXED: dict[str, Any] = dict(
    Win_initializer=0.1, Wrec_initializer=0.1, in_connectivity=1.0, rec_connectivity=1.0
)


def arg(case: str, name: str) -> np.ndarray:
    return DATA[f"{case}/arg/{name}"]


def _cell(cls: str, case: str, **kw):
    return getattr(eqbrain.dyn, cls)(
        3, 4, Wi_initializer=arg(case, "Wi"), Wh_initializer=arg(case, "Wh"), **kw
    )


def _reservoir(case: str, activation_type: str, comp_type: str):
    return eqbrain.dyn.Reservoir(
        2,
        6,
        activation_type=activation_type,
        comp_type=comp_type,
        Win_initializer=arg(case, "Win"),
        Wrec_initializer=arg(case, "Wrec"),
        b_initializer=arg(case, "bias"),
        in_connectivity=1.0,
        rec_connectivity=1.0,
    )


def _units() -> dict[str, tuple]:
    """Each recorded case rebuilt in eqbrain from BrainPy's weights: (unit, state name)."""
    units: dict[str, tuple] = {}
    for cls in ("RNNCell", "GRUCell", "LSTMCell"):
        units[cls] = (_cell(cls, cls, b_initializer=arg(cls, "b")), "state")
        case = f"{cls}_batched"
        mode = eqbrain.BatchingMode(2)
        units[case] = (_cell(cls, case, b_initializer=arg(case, "b"), mode=mode), "state")
    tanh = _cell(
        "RNNCell",
        "RNNCell_tanh_nobias",
        b_initializer=None,
        activation="tanh",
        state_initializer=np.linspace(-0.5, 0.5, 4, dtype=np.float32),
    )
    units["RNNCell_tanh_nobias"] = (tanh, "state")
    units["NVAR"] = (eqbrain.dyn.NVAR(2, delay=3, order=2), "store")
    units["NVAR_orders"] = (
        eqbrain.dyn.NVAR(2, delay=3, order=[2, 3], stride=2, constant=True),
        "store",
    )
    batched = eqbrain.dyn.NVAR(2, delay=2, order=2, constant=True, mode=eqbrain.BatchingMode(2))
    units["NVAR_batched"] = (batched, "store")
    for activation_type in ("internal", "external"):
        for comp_type in ("dense", "sparse"):
            case = f"Reservoir_{activation_type}_{comp_type}"
            units[case] = (_reservoir(case, activation_type, comp_type), "state")
    units["Leaky"] = (eqbrain.dyn.Leaky(3, tau=8.0), "x")
    units["Integrator"] = (eqbrain.dyn.Integrator(3, tau=5.0, x_initializer=0.5), "x")
    return units


@pytest.fixture(scope="module")
def runs():
    """Every case stepped over its recorded inputs, all in one compiled function (with
    the Equinox comparison and the training run below): `{case: (unit, outputs,
    states)}`, and the extra results under `'equinox'` and `'training'`."""
    units = _units()
    equinox = _equinox_pair()
    training = _training()

    def run_all():
        out = {}
        with eqbrain.share.context(t=0.0, dt=0.1):
            for case, (unit, var) in units.items():

                def step(x, unit=unit, var=var):
                    return unit(x), getattr(unit, var).value

                out[case] = eqbrain.for_loop(step, jnp.asarray(DATA[f"{case}/x"]))
        return out, equinox[0](), training[0]()

    results, eqx_out, train_out = eqbrain.jit(run_all)()
    out: dict[str, Any] = {
        case: (units[case][0], *map(np.asarray, results[case])) for case in units
    }
    out["equinox"] = eqx_out
    out["training"] = (training[1], train_out)
    return out


# -- BrainPy's numbers --------------------------------------------------------------------

CASES = [
    "RNNCell",
    "RNNCell_batched",
    "RNNCell_tanh_nobias",
    "GRUCell",
    "GRUCell_batched",
    "LSTMCell",
    "LSTMCell_batched",
    "NVAR",
    "NVAR_orders",
    "NVAR_batched",
    "Reservoir_internal_dense",
    "Reservoir_internal_sparse",
    "Reservoir_external_dense",
    "Reservoir_external_sparse",
    "Leaky",
    "Integrator",
]


@pytest.mark.parametrize("case", CASES)
def test_matches_brainpy(runs, case):
    unit, out, state = runs[case]
    np.testing.assert_allclose(out, DATA[f"{case}/out"], **TOL)
    np.testing.assert_allclose(state, DATA[f"{case}/state"], **TOL)
    if case.startswith("NVAR"):
        assert out.shape[-1] == unit.num_out
        np.testing.assert_array_equal(out, DATA[f"{case}/out"])  # exact: products only
    if case.endswith("sparse"):  # BrainPy's layout: the nonzero weights only
        assert unit.Win.shape == (int(np.count_nonzero(DATA[f"{case}/arg/Win"])),)
    if case == "RNNCell_tanh_nobias":
        assert unit.b is None


# -- Equinox's cells on shared weights ----------------------------------------------------

RNG = np.random.default_rng(1)
XS = RNG.normal(size=(6, 3)).astype(np.float32)


def _weights(n_in: int, n: int, gates: int) -> dict[str, np.ndarray]:
    shapes = {"Wi": (n_in, gates * n), "Wh": (n, gates * n), "b": (gates * n,)}
    return {k: (0.5 * RNG.normal(size=s)).astype(np.float32) for k, s in shapes.items()}


def _equinox(cls, weights):
    """An `eqx.nn` cell with the given weights (the skeleton built without drawing)."""
    skeleton = eqx.filter_eval_shape(cls, 3, 4, key=jax.random.key(0))
    names = list(weights)
    return eqx.tree_at(
        lambda m: [getattr(m, k) for k in names],
        skeleton,
        [jnp.asarray(weights[k]) for k in names],
    )


def _equinox_pair():
    """`(run, None)`: `run()` steps `LSTMCell`, `GRUCell` and the Equinox cells given
    the same weights; returns `(ours, theirs)`."""
    n = 4
    lw, gw = _weights(3, n, 4), _weights(3, n, 3)
    gw["Wh"][:, 2 * n :] = 0.0
    lstm = eqbrain.dyn.LSTMCell(3, n, lw["Wi"], lw["Wh"], lw["b"])
    gru = eqbrain.dyn.GRUCell(3, n, gw["Wi"], gw["Wh"], gw["b"])

    def lstm_order(a):  # BrainPy's gates [i, g, f, o] -> Equinox's [i, f, g, o]
        i, g, f, o = np.split(a, 4, axis=-1)
        return np.concatenate([i, f, g, o], axis=-1)

    def gru_order(a):  # BrainPy's [z, r, a] -> Equinox's [r, z', n], with z' = 1 - z
        z, r, c = np.split(a, 3, axis=-1)
        return np.concatenate([r, -z, c], axis=-1)

    forget = np.zeros(4 * n, np.float32)
    forget[n : 2 * n] = 1.0  # BrainPy adds 1 to the forget gate
    ref_lstm = _equinox(
        eqx.nn.LSTMCell,
        {
            "weight_ih": lstm_order(lw["Wi"]).T,
            "weight_hh": lstm_order(lw["Wh"]).T,
            "bias": lstm_order(lw["b"]) + forget,
        },
    )
    ref_gru = _equinox(
        eqx.nn.GRUCell,
        {
            "weight_ih": gru_order(gw["Wi"]).T,
            "weight_hh": gru_order(gw["Wh"]).T,
            "bias": gru_order(gw["b"]),
            "bias_n": np.zeros(n, np.float32),
        },
    )

    def run():
        xs = jnp.asarray(XS)
        ours = eqbrain.for_loop(lambda x: (lstm(x), gru(x)), xs)
        zeros = jnp.zeros(n)
        _, theirs_lstm = jax.lax.scan(
            lambda s, x: ((out := ref_lstm(x, s)), out[0]), (zeros, zeros), xs
        )
        _, theirs_gru = jax.lax.scan(lambda h, x: ((h := ref_gru(x, h)), h), zeros, xs)
        return ours, (theirs_lstm, theirs_gru)

    return run, None


def test_lstm_and_gru_are_equinox_cells_on_shared_weights(runs):
    """`LSTMCell` is `eqx.nn.LSTMCell` with the gates reordered and 1 on the forget gate.
    BrainPy's GRU resets `h` before `Wh_a`, Equinox's (PyTorch's) after, and their
    update gates weigh opposite sides: with `Wh_a = 0` they agree under `z -> 1 - z`."""
    ours, theirs = runs["equinox"]
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


# -- modes, batches, training -------------------------------------------------------------


def test_modes_give_batch_axes_and_trainable_weights():
    with eqbrain.environment(mode=eqbrain.TrainingMode(3)):
        gru = eqbrain.dyn.GRUCell(2, 4, 0.1, 0.1)
        res = eqbrain.dyn.Reservoir(2, 5, comp_type="sparse", **FIXED)
        nvar = eqbrain.dyn.NVAR(2, delay=2, order=2)
        leaky = eqbrain.dyn.Leaky(4)
    assert gru.mode == eqbrain.TrainingMode(3) and gru.state.shape == (3, 4)
    assert set(gru.train_vars(method="relative")) == {"Wi", "Wh", "b"}
    assert set(res.train_vars(method="relative")) == {"Win", "Wrec", "bias"}
    assert nvar.store.shape == (2, 3, 2) and nvar.store.batch_axis == 1
    assert leaky.x.shape == (3, 4) and res.state.shape == (3, 5)
    plain = eqbrain.dyn.Reservoir(2, 5, **FIXED)
    assert plain.mode == eqbrain.nonbatching_mode and not plain.train_vars()
    lstm = eqbrain.dyn.LSTMCell(2, 3, 0.1, 0.1, mode=eqbrain.batching_mode)
    assert lstm.state.shape == (1, 6)
    lstm.reset_state(batch_or_mode=4)
    assert lstm.state.shape == (4, 6)
    lstm.h = jnp.ones((4, 3))
    np.testing.assert_array_equal(lstm.h, 1.0)
    np.testing.assert_array_equal(lstm.c, 0.0)


def _training():
    """`(run, (cell, dense, sparse))`: `run()` gives the gradients of a loss through an
    `LSTMCell` with a trained initial state, and a dense and a sparse reservoir of the
    same sparse weights stepped side by side."""
    w = _weights(2, 3, 4)
    cell = eqbrain.dyn.LSTMCell(
        2, 3, w["Wi"], w["Wh"], mode=eqbrain.TrainingMode(2), train_state=True
    )
    win = RNG.normal(size=(3, 30)) * (RNG.random((3, 30)) < 0.3)
    wrec = 0.3 * RNG.normal(size=(30, 30)) * (RNG.random((30, 30)) < 0.2)
    kw: dict[str, Any] = dict(Win_initializer=win, Wrec_initializer=wrec, in_connectivity=1.0)
    dense = eqbrain.dyn.Reservoir(3, 30, rec_connectivity=1.0, **kw)
    sparse = eqbrain.dyn.Reservoir(3, 30, rec_connectivity=1.0, comp_type="sparse", **kw)

    def loss():
        cell.reset_state()
        h = jnp.zeros(())
        for x in jnp.ones((4, 2, 2)):
            h = cell(x)
        return (h**2).sum()

    def run():
        grads = eqbrain.grad(loss, grad_vars=cell.train_vars())()
        return grads, eqbrain.for_loop(lambda x: (dense(x), sparse(x)), jnp.asarray(XS))

    return run, (cell, dense, sparse)


def test_train_state_and_weights_learn_and_sparse_equals_dense(runs):
    (cell, dense, sparse), (grads, (a, b)) = runs["training"]
    assert sparse.Wrec.shape == (int(np.count_nonzero(np.asarray(dense.Wrec.value))),)
    assert set(grads) == set(cell.train_vars())
    assert all(float(jnp.abs(g).sum()) > 0 for g in grads.values())
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


# -- bad input ----------------------------------------------------------------------------


def _snapshot(unit):
    return {k: np.asarray(v.value) for k, v in unit.vars(method="relative").items()}


@pytest.mark.parametrize(
    "build, bad, message",
    [
        (
            lambda: eqbrain.dyn.RNNCell(3, 4, 0.0, 0.1, 0.1),
            jnp.ones(5),
            r"RNNCell\d* expects input of shape \(3,\) \(num_in=3\), got shape \(5,\)",
        ),
        (
            lambda: eqbrain.dyn.LSTMCell(3, 4, 0.1, 0.1, mode=eqbrain.BatchingMode(2)),
            jnp.ones((2, 2)),
            r"LSTMCell\d* expects input of shape \(batch, 3\).*Give 3 features",
        ),
        (
            lambda: eqbrain.dyn.NVAR(2, delay=2),
            jnp.ones((4, 2)),
            r"one input of shape \(num_in,\).*mode=eqbrain.BatchingMode",
        ),
        (
            lambda: eqbrain.dyn.NVAR(2, delay=2, mode=eqbrain.BatchingMode(2)),
            jnp.ones((4, 2)),
            r"holds a batch of 2.*reset_state\(4\)",
        ),
        (
            lambda: eqbrain.dyn.Reservoir(3, 4, **FIXED),
            jnp.ones(2),
            r"\(input_shape\[-1\]=3\)",
        ),
        (
            lambda: eqbrain.dyn.Conv2dLSTMCell((4, 3), 2, 2, 3, w_initializer=0.1),
            jnp.ones((3, 4, 2)),
            r"Conv2dLSTMCell\d* expects input of shape \(4, 3, 2\) \(input_shape=\(4, 3\), "
            r"in_channels=2, channels last\), got shape \(3, 4, 2\)",
        ),
        (
            lambda: eqbrain.dyn.Conv1dLSTMCell(
                5, 2, 2, 3, w_initializer=0.1, mode=eqbrain.BatchingMode(2)
            ),
            jnp.ones((5, 2)),
            r"expects input of shape \(batch, 5, 2\)",
        ),
    ],
)
def test_wrong_input_raises_and_changes_nothing(build, bad, message):
    unit = build()
    for var in unit.vars().values():  # a state that any write would change
        var.value = jnp.full(var.shape, 3, var.dtype)
    before = _snapshot(unit)
    with pytest.raises(ValueError, match=message):
        unit(bad)
    after = _snapshot(unit)
    assert before.keys() == after.keys()
    for k in before:
        np.testing.assert_array_equal(before[k], after[k])


@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda: eqbrain.dyn.NVAR(2, delay=-1), ValueError, r"NVAR: delay must be an int >= 1"),
        (
            lambda: eqbrain.dyn.NVAR(2, delay=2, order=-2),
            ValueError,
            r"NVAR: order must be .* >= 2",
        ),
        (lambda: eqbrain.dyn.NVAR(2, delay=2, order=[2, 1]), ValueError, r"order must be"),
        (lambda: eqbrain.dyn.NVAR(2, delay=2, stride=0), ValueError, r"NVAR: stride must be"),
        (
            lambda: eqbrain.dyn.NVAR(2, delay=2, constant=1),  # pyright: ignore[reportArgumentType]
            TypeError,
            r"constant must be True or False",
        ),
        (
            lambda: eqbrain.dyn.Reservoir(2, 3, comp_type="csr"),
            ValueError,
            r"comp_type must be 'dense'.*'sparse'.*got 'csr'",
        ),
        (
            lambda: eqbrain.dyn.GRUCell(2, 3, mode="train"),  # pyright: ignore[reportArgumentType]
            TypeError,
            r"GRUCell: mode must be an eqbrain mode",
        ),
        (
            lambda: eqbrain.dyn.RNNCell(2, 3, mode=eqbrain.BatchingMode(2), batch_size=3),
            ValueError,
            r"batch_size=3 disagrees with mode",
        ),
        (
            lambda: eqbrain.dyn.LSTMCell(2, 0),
            ValueError,
            r"LSTMCell: num_out must be a positive int",
        ),
        (lambda: eqbrain.dyn.Leaky(3, tau=0.0), ValueError, r"tau must be positive"),
        (
            lambda: eqbrain.dyn.Conv1dLSTMCell(8, 2, 3, 3, stride=2),
            ValueError,
            r"Conv1dLSTMCell: the convolution must keep the spatial shape input_shape=\(8,\).*"
            r"gives \(4,\)\. Use stride=1 and padding='SAME'",
        ),
        (
            lambda: eqbrain.dyn.Conv2dLSTMCell((4, 4), 2, 3, 3, groups=2),
            ValueError,
            r"Conv2dLSTMCell: in_channels \(2\) and out_channels \(3\) must be multiples "
            r"of groups \(2\)",
        ),
        (
            lambda: eqbrain.dyn.Conv3dLSTMCell((4, 4), 2, 3, 3),
            ValueError,
            r"Conv3dLSTMCell: input_shape must be an int or 3 ints, got \(4, 4\)",
        ),
        (
            lambda: eqbrain.dyn.Conv2dLSTMCell((4, 4), 2, 3, 3, padding="FULL"),
            ValueError,
            r"Conv2dLSTMCell: padding must be 'SAME', 'VALID', an int",
        ),
    ],
)
def test_bad_arguments_raise_before_drawing(build, error, message):
    key = np.asarray(jax.random.key_data(eqbrain.random.get_key()))
    with pytest.raises(error, match=message):
        build()
    np.testing.assert_array_equal(np.asarray(jax.random.key_data(eqbrain.random.get_key())), key)


# -- the convolutional LSTM cells: BrainPy's numbers ---------------------------------------

CONV = np.load(pathlib.Path(__file__).parent / "data" / "brainpy_cells" / "convlstm.npz")
# case: (class, batch or None, input_shape, in_channels, out_channels, keyword arguments),
# as in generate_convlstm.py
CONV_CASES: dict[str, tuple] = {
    "Conv1d": ("Conv1dLSTMCell", None, (6,), 2, 3, dict(kernel_size=3)),
    "Conv1d_pad_nobias": ("Conv1dLSTMCell", None, (6,), 2, 2, dict(kernel_size=3, padding=(1, 1))),
    "Conv2d_batched": ("Conv2dLSTMCell", 2, (4, 3), 2, 2, dict(kernel_size=(3, 2))),
    "Conv2d_groups_dilation": (
        "Conv2dLSTMCell",
        None,
        (4, 4),
        2,
        4,
        dict(kernel_size=3, groups=2, rhs_dilation=2),
    ),
    "Conv3d": ("Conv3dLSTMCell", None, (3, 3, 3), 1, 2, dict(kernel_size=2)),
}


def _conv_cell(case: str):
    """The recorded cell rebuilt from BrainPy's kernels, biases and initial states."""
    cls, batch, shape, cin, cout, kw = CONV_CASES[case]
    got = {k.split("/")[-1]: CONV[k] for k in CONV.files if k.startswith(f"{case}/arg/")}
    weights = {"wi": got["wi"], "wh": got["wh"]}
    biases = (got["bi"], got["bh"]) if "bi" in got else None
    cell = getattr(eqbrain.dyn, cls)(
        shape,
        cin,
        cout,
        w_initializer=0.0,
        b_initializer=None if biases is None else 0.0,
        mode=eqbrain.nonbatching_mode if batch is None else eqbrain.BatchingMode(batch),
        **kw,
    )
    cell.input_to_hidden.w.value = jnp.asarray(weights["wi"])
    cell.hidden_to_hidden.w.value = jnp.asarray(weights["wh"])
    if biases is not None:
        cell.input_to_hidden.b.value = jnp.asarray(biases[0])
        cell.hidden_to_hidden.b.value = jnp.asarray(biases[1])
    cell.h.value, cell.c.value = jnp.asarray(got["h0"]), jnp.asarray(got["c0"])
    return cell


@pytest.fixture(scope="module")
def conv_runs():
    """Every conv-LSTM case stepped over its recorded inputs, in one compiled function:
    `{case: (cell, h, c)}`."""
    cells = {case: _conv_cell(case) for case in CONV_CASES}

    def run_all():
        return {
            case: eqbrain.for_loop(
                lambda x, cell=cell: (cell(x), cell.c.value), jnp.asarray(CONV[f"{case}/x"])
            )
            for case, cell in cells.items()
        }

    out = eqbrain.jit(run_all)()
    return {case: (cells[case], *map(np.asarray, out[case])) for case in cells}


@pytest.mark.parametrize("case", list(CONV_CASES))
def test_conv_lstm_matches_brainpy(conv_runs, case):
    cell, h, c = conv_runs[case]
    np.testing.assert_allclose(h, CONV[f"{case}/h"], **TOL)
    np.testing.assert_allclose(c, CONV[f"{case}/c"], **TOL)
    assert (cell.input_to_hidden.b is None) == (case == "Conv1d_pad_nobias")
    np.testing.assert_allclose(cell.h.value, CONV[f"{case}/h"][-1], **TOL)


def test_conv_lstm_train_state_is_what_reset_state_starts_from():
    cell = eqbrain.dyn.Conv1dLSTMCell(
        4, 2, 3, 3, w_initializer=0.1, mode=eqbrain.TrainingMode(2), train_state=True
    )
    assert {"h_to_train", "c_to_train"} <= set(cell.train_vars(method="relative"))
    assert cell.h_to_train is not None and cell.c_to_train is not None
    cell.h_to_train.value = jnp.full((4, 3), 0.5)
    cell.c_to_train.value = jnp.full((4, 3), -0.5)
    cell.reset_state(3)
    assert cell.h.shape == cell.c.shape == (3, 4, 3)
    np.testing.assert_array_equal(cell.h.value, 0.5)
    np.testing.assert_array_equal(cell.c.value, -0.5)
    with pytest.raises(TypeError, match=r"reset_state takes batch_size="):
        cell.reset_state(size=2)
