"""Parity with BrainPy 2.8's tests of its rate and recurrent units:
`brainpy/dyn/rates/rnncells_test.py` (45 cases), `nvar_test.py` (2),
`nvar_coverage_test.py` (10), `reservoir_test.py` (5),
`brainpy/dyn/others/common_coverage_test.py` (7) and the rate-unit cases of
`brainpy/dyn/rates/dyn_rates_dynold_fixes_test.py` (9 of its cases touch these units).

- Out of scope (1): `TestComb`: it tests `_comb`, a private helper of BrainPy's module
  that NVAR does not use.
- In scope (77): all pass, the convolutional LSTM cells (`Conv1dLSTMCell`,
  `Conv2dLSTMCell`, `Conv3dLSTMCell`: 15 cases of `rnncells_test.py` and 1 of the fixes
  file) among them.

BrainPy's cases mostly check that a call runs; each port also checks the shape of what
came back (BrainPy 2.8.2 gives the same shapes), stepping the unit compiled
(`eqbrain.jit(unit.update)`: the computation of an eager `update`, which
`tests/test_rate_cells.py` checks), and the convolutional cells eagerly (their kernels
differ in shape from case to case, so one compilation each would cost more than the
eager operations, which are shared). The ports use one set of small sizes (3 inputs
and 4 units or channels for the cells, spatial shapes of 4 to 6 per axis, 4 inputs and
8 units for the reservoir, batches of 2) where BrainPy's cases use 10 to 100 inputs,
5 to 64 units and spatial shapes up to 100 x 100 x 100: the sizes only change the time
taken, and shared shapes let the compiled initializers and steps be reused from case
to case. BrainPy's `cell.reset(batch_size=n)` is `cell.reset_state(batch_size=n)`
here, `bp.reset_state(cell)` is `cell.reset_state()`, and `share.save(t=0., dt=0.1)` is
`eqbrain.share.context(t=0.0, dt=0.1)`. The numbers themselves are checked in
`tests/test_rate_cells.py` against BrainPy-recorded runs.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain

MODES = ["TrainingMode()", "TrainingMode(n)", "BatchingMode()", "BatchingMode(n)"]
RNG = np.random.default_rng(0)
IN, OUT, BATCH = 3, 4, 2  # the shared sizes


def mode_of(name: str) -> eqbrain.Mode:
    """`TrainingMode(n)` etc. with `n = BATCH`."""
    kind, _, arg = name.partition("(")
    cls = getattr(eqbrain, kind)
    return cls(BATCH) if arg == "n)" else cls()


@eqbrain.jit
def step(unit, *args):
    """`unit.update(*args)`, compiled: one compilation per kind of unit and input shape
    (units of one class and configuration share it), instead of one per operation."""
    return unit.update(*args)


def randn(*shape: int) -> jnp.ndarray:
    return jnp.asarray(RNG.normal(size=shape), jnp.float32)


# -- rnncells_test.py ---------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("cls", ["RNNCell", "GRUCell", "LSTMCell"])
def test_cell_in_batching_and_training_modes(cls, mode):
    layer = getattr(eqbrain.dyn, cls)(num_in=IN, num_out=OUT, mode=mode_of(mode))
    assert step(layer, randn(BATCH, IN)).shape == (BATCH, OUT)


@pytest.mark.parametrize("cls", ["RNNCell", "GRUCell", "LSTMCell"])
def test_cell_non_batching(cls):
    layer = getattr(eqbrain.dyn, cls)(num_in=IN, num_out=OUT, mode=eqbrain.NonBatchingMode())
    assert step(layer, randn(IN)).shape == (OUT,)


def _width(cls: str) -> int:
    return 8 if cls == "LSTMCell" else 4


CELLS = ["RNNCell", "GRUCell", "LSTMCell"]


@pytest.mark.parametrize("cls", CELLS)
def test_reset_state_none_unbatched(cls):
    cell = getattr(eqbrain.dyn, cls)(num_in=IN, num_out=OUT)
    cell.reset_state(None)
    assert cell.state.shape == (_width(cls),)


@pytest.mark.parametrize("cls", CELLS)
def test_reset_state_of_the_whole_model(cls):
    cell = getattr(eqbrain.dyn, cls)(num_in=IN, num_out=OUT)
    cell.reset_state()
    assert cell.state.shape == (_width(cls),)


@pytest.mark.parametrize("cls", CELLS)
@pytest.mark.parametrize("how", ["int_batch", "batch_size_kwarg", "batch_or_mode_kwarg"])
def test_reset_state_batches(cls, how):
    cell = getattr(eqbrain.dyn, cls)(num_in=IN, num_out=OUT, mode=eqbrain.batching_mode)
    n = {"int_batch": 2, "batch_size_kwarg": 5, "batch_or_mode_kwarg": 3}[how]
    if how == "int_batch":
        cell.reset_state(n)
    elif how == "batch_size_kwarg":
        cell.reset_state(batch_size=n)
    else:
        cell.reset_state(batch_or_mode=n)
    assert cell.state.shape == (n, _width(cls))


# the convolutional LSTM cells: one small spatial shape and kernel per dimension
CONV_SHAPES = {1: (6,), 2: (5, 5), 3: (4, 4, 4)}
CONV_KERNELS = {1: 4, 2: (4, 4), 3: (4, 4, 4)}


def conv_cell(dims: int, mode: eqbrain.Mode) -> Any:
    return getattr(eqbrain.dyn, f"Conv{dims}dLSTMCell")(
        input_shape=CONV_SHAPES[dims],
        in_channels=IN,
        out_channels=OUT,
        kernel_size=CONV_KERNELS[dims],
        mode=mode,
    )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dims", [1, 2, 3])
def test_conv_lstm_cell_in_batching_and_training_modes(dims, mode):
    shape = CONV_SHAPES[dims]
    layer = conv_cell(dims, mode_of(mode))
    out = layer(randn(BATCH, *shape, IN))
    assert out.shape == (BATCH, *shape, OUT)
    assert layer.h.shape == layer.c.shape == out.shape
    assert set(layer.train_vars(method="relative")) == {
        f"{conv}.{p}" for conv in ("input_to_hidden", "hidden_to_hidden") for p in "wb"
    }


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_conv_lstm_cell_non_batching(dims):
    shape = CONV_SHAPES[dims]
    layer = conv_cell(dims, eqbrain.NonBatchingMode())
    assert layer.input_to_hidden.w.shape == (*(4,) * dims, IN, 4 * OUT)
    out = layer(randn(*shape, IN))
    assert out.shape == (*shape, OUT) and layer.c.shape == (*shape, OUT)
    assert float(jnp.abs(out).max()) > 0  # a zero state and random input move h


# -- nvar_test.py and nvar_coverage_test.py -----------------------------------------------


@pytest.mark.parametrize("mode", [eqbrain.BatchingMode(), eqbrain.NonBatchingMode()])
def test_nvar(mode):
    inputs = randn(1, 5)
    layer = eqbrain.dyn.NVAR(num_in=5, delay=10, mode=mode)
    if mode == eqbrain.NonBatchingMode():
        for x in inputs:
            assert step(layer, x).shape == (layer.num_out,)
    else:
        assert step(layer, inputs).shape == (1, layer.num_out)


def test_nvar_order_none_default():
    node = eqbrain.dyn.NVAR(num_in=3, delay=2)
    assert node.order == ()
    assert node.nonlinear_dim == 0 and node.num_out == node.linear_dim


def test_nvar_single_int_order_wrapped():
    assert eqbrain.dyn.NVAR(num_in=3, delay=2, order=2).order == (2,)


def test_nvar_multi_order_stride_constant():
    node = eqbrain.dyn.NVAR(num_in=3, delay=4, order=[2, 3], stride=2, constant=True)
    assert node.num_delay == 1 + (4 - 1) * 2
    assert node.linear_dim == 4 * 3 and len(node.comb_ids) == 2
    assert node.num_out == node.linear_dim + node.nonlinear_dim + 1


def test_nvar_order_below_two_raises():
    with pytest.raises(ValueError, match="order must be"):
        eqbrain.dyn.NVAR(num_in=3, delay=2, order=1)


def test_nvar_non_bool_constant_raises():
    # BrainPy asserts (AssertionError); eqbrain raises a TypeError naming `constant`
    with pytest.raises(TypeError, match="constant must be True or False"):
        eqbrain.dyn.NVAR(num_in=3, delay=2, constant=1)  # pyright: ignore[reportArgumentType]


def test_nvar_nonbatching_update_and_names():
    node = eqbrain.dyn.NVAR(num_in=3, delay=4, order=[2, 3], stride=2, constant=True)
    assert step(node, jnp.ones(3)).shape == (node.num_out,)
    names = node.get_feature_names()
    assert len(names) == node.num_out and names[0] == "1"
    assert len(node.get_feature_names(for_plot=True)) == node.num_out
    node.reset_state()
    assert node.store.shape == (node.num_delay, node.num_in)
    assert int(node.idx.value[0]) == 0


def test_nvar_nonbatching_no_constant_names():
    node = eqbrain.dyn.NVAR(num_in=2, delay=3, order=2, constant=False)
    names = node.get_feature_names()
    assert names[0] != "1" and len(names) == node.num_out


def test_nvar_batching_update():
    node = eqbrain.dyn.NVAR(num_in=2, delay=3, order=2, constant=True, mode=eqbrain.BatchingMode())
    node.reset_state(batch_or_mode=4)
    assert node.store.shape == (node.num_delay, 4, node.num_in)
    out = step(node, jnp.ones((4, 2)))
    assert out.shape == (4, node.num_out)


def test_nvar_layer_call_matches_existing():
    node = eqbrain.dyn.NVAR(num_in=5, delay=10, mode=eqbrain.BatchingMode())
    assert step(node, randn(1, 5)).shape[-1] == node.num_out


# -- reservoir_test.py --------------------------------------------------------------------


@pytest.mark.parametrize("mode", [*MODES, "NonBatchingMode()"])
def test_reservoir(mode):
    inputs = randn(BATCH, 4)
    layer = eqbrain.dyn.Reservoir(input_shape=4, num_out=8, mode=mode_of(mode))
    if mode == "NonBatchingMode()":
        for x in inputs:
            assert step(layer, x).shape == (8,)
    else:
        assert step(layer, inputs).shape == (BATCH, 8)


# -- common_coverage_test.py: Leaky and Integrator ----------------------------------------


@pytest.mark.parametrize("cls", ["Leaky", "Integrator"])
def test_leaky_units_under_the_runner(cls):
    model = getattr(eqbrain.dyn, cls)(4, tau=8.0)
    assert model.x.shape == (4,)
    runner = eqbrain.DSRunner(model, monitors=["x"], progress_bar=False)
    runner.run(5.0)
    assert runner.mon["x"].shape == (50, 4)


def test_leaky_derivative_and_return_info():
    model = eqbrain.dyn.Leaky(3, tau=10.0)
    assert model.derivative(model.x.value, 0.0).shape == (3,)
    assert model.return_info() is model.x


def test_integrator_derivative_and_return_info():
    model = eqbrain.dyn.Integrator(3, tau=10.0)
    assert model.derivative(model.x.value, 0.0, 1.0).shape == (3,)
    assert model.return_info() is model.x


def test_integrator_custom_initializer():
    model = eqbrain.dyn.Integrator(3, x_initializer=eqbrain.init.Constant(0.5))
    np.testing.assert_allclose(model.x.value, np.full(3, 0.5))


@pytest.mark.parametrize("cls, kw", [("Leaky", {"method": "exp_euler"}), ("Integrator", {})])
def test_leaky_units_in_training_mode_with_and_without_input(cls, kw):
    model = getattr(eqbrain.dyn, cls)(
        3, mode=eqbrain.TrainingMode(), tau=5.0, init_var=False, **kw
    )
    model.reset_state(batch_size=2)
    assert model.x.shape == (2, 3)
    with eqbrain.share.context(t=0.0, dt=0.1):
        assert step(model, jnp.ones((2, 3))).shape == (2, 3)
        assert step(model).shape == (2, 3)


# -- dyn_rates_dynold_fixes_test.py: the rate-unit cases ----------------------------------


def test_lstm_h_c_setters_unbatched():
    lstm = eqbrain.dyn.LSTMCell(3, 4)
    assert lstm.state.shape == (8,)
    lstm.h = jnp.ones((4,))
    np.testing.assert_allclose(lstm.h, 1.0)
    np.testing.assert_allclose(lstm.c, 0.0)
    lstm.c = jnp.full((4,), 2.0)
    np.testing.assert_allclose(lstm.h, 1.0)
    np.testing.assert_allclose(lstm.c, 2.0)


def test_lstm_h_c_setters_batched():
    lstm = eqbrain.dyn.LSTMCell(3, 4, mode=eqbrain.batching_mode)
    lstm.reset_state(2)
    assert lstm.state.shape == (2, 8)
    lstm.h = jnp.ones((2, 4))
    np.testing.assert_allclose(lstm.h, 1.0)
    np.testing.assert_allclose(lstm.c, 0.0)
    lstm.c = jnp.full((2, 4), 2.0)
    np.testing.assert_allclose(lstm.h, 1.0)
    np.testing.assert_allclose(lstm.c, 2.0)


def test_reservoir_bias_is_applied():
    common: dict[str, Any] = dict(
        in_connectivity=1.0, rec_connectivity=1.0, activation_type="external", leaky_rate=1.0
    )
    r0 = eqbrain.dyn.Reservoir(4, 8, b_initializer=eqbrain.init.ZeroInit(), **common)
    r1 = eqbrain.dyn.Reservoir(4, 8, b_initializer=eqbrain.init.Constant(1.0), **common)
    r1.Win.value = r0.Win.value
    r1.Wrec.value = r0.Wrec.value
    out0, out1 = step(r0, jnp.zeros(4)), step(r1, jnp.zeros(4))
    np.testing.assert_allclose(out0, 0.0)
    assert float(jnp.sum(jnp.abs(out1 - out0))) > 1e-3


def test_reservoir_recurrent_noise_is_symmetric():
    eqbrain.random.seed(123)
    # BrainPy draws the weights and zeroes them; zero weights from the start is the same.
    # 2000 units (BrainPy: 4000) keep the mean of tanh(noise) within 0.05 by 3.5 sd.
    r = eqbrain.dyn.Reservoir(
        2,
        2000,
        noise_rec=1.0,
        Win_initializer=0.0,
        Wrec_initializer=0.0,
        in_connectivity=1.0,
        rec_connectivity=1.0,
        activation_type="external",
        leaky_rate=1.0,
    )
    out = step(r, jnp.zeros(2))
    assert abs(float(out.mean())) < 0.05
    assert float(out.min()) < -0.1 and float(out.max()) > 0.1


def test_reservoir_update_dense_and_sparse():
    # a fixed key: a sparse 8 x 8 draw can be nilpotent (spectral radius 0), which
    # eqbrain refuses to rescale (BrainPy divides by 0)
    r = eqbrain.dyn.Reservoir(4, 8, noise_in=0.1, spectral_radius=0.9, key=jax.random.key(0))
    r.reset_state()
    assert step(r, jnp.ones(4)).shape == (8,)
    rs = eqbrain.dyn.Reservoir(4, 8, comp_type="sparse", in_connectivity=0.5, rec_connectivity=0.5)
    rs.reset_state()
    assert step(rs, jnp.ones(4)).shape == (8,)


def test_rnn_cells_forward_unbatched():
    for cls in CELLS:
        assert step(getattr(eqbrain.dyn, cls)(IN, OUT), jnp.ones(IN)).shape == (OUT,)


def test_rnn_cells_forward_batched_and_train_state():
    x = jnp.ones((2, 3))
    for cls in CELLS:
        c = getattr(eqbrain.dyn, cls)(3, 4, mode=eqbrain.batching_mode)
        c.reset_state(2)
        assert step(c, x).shape == (2, 4)
        ct = getattr(eqbrain.dyn, cls)(3, 4, mode=eqbrain.training_mode, train_state=True)
        ct.reset_state(2)
        assert step(ct, x).shape == (2, 4)


def test_rnn_cells_no_bias_branch():
    for cls in CELLS:
        c = getattr(eqbrain.dyn, cls)(3, 4, b_initializer=None)
        assert step(c, jnp.ones(3)).shape == (4,)


def test_conv_lstm_cells_forward_batched():
    for dims in (1, 2):
        shape = CONV_SHAPES[dims]
        cell = conv_cell(dims, eqbrain.batching_mode)
        cell.reset_state(1)
        assert cell.h.shape == (1, *shape, OUT)
        assert cell(jnp.ones((1, *shape, IN))).shape == (1, *shape, OUT)
