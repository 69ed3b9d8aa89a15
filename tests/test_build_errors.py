"""Bad arguments are refused with an error that names the argument and the object,
before anything is written: sizes, batch sizes, the parts of a projection, weights, and
the monitors and inputs of a run."""

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from tests.helpers import assert_unchanged, snapshot

dyn = eqbrain.dyn


@pytest.mark.parametrize(
    "batch_size, error",
    [(-1, ValueError), (0, ValueError), (2.5, TypeError), ("4", TypeError), (True, TypeError)],
)
def test_reset_state_checks_batch_size_before_resetting_anything(batch_size, error):
    lif = dyn.LIF(3, batch_size=2)
    lif.V.value = jnp.ones((2, 3))  # state that a reset would change
    before = snapshot(lif)
    # before: a raw broadcast_in_dim error after part of the state was reset; 0 accepted
    with pytest.raises(error, match=rf"{lif.name}\.reset_state: batch_size must be a positive"):
        lif.reset_state(batch_size)
    assert_unchanged(lif, before)
    lif.reset_state(4)
    assert lif.V.shape == (4, 3)


@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda: dyn.LIF(10.0), TypeError, r"LifRef: size must be a positive int .* got 10.0"),  # pyright: ignore[reportArgumentType]
        (lambda: dyn.LifRef(10.0), TypeError, r"LifRef: size must be .* got 10.0"),  # pyright: ignore[reportArgumentType]
        (lambda: dyn.Expon("3"), TypeError, r"Expon: size must be .* got '3'"),  # pyright: ignore[reportArgumentType]
        (lambda: dyn.LIF((3, 0)), ValueError, r"LifRef: size must be a positive int"),
        (lambda: dyn.LIF(3, batch_size=2.0), TypeError, r"LifRef: batch_size must be a positive"),  # pyright: ignore[reportArgumentType]
        (lambda: eqbrain.Variable(-3), eqbrain.MathError, r"Variable\(-3\): an int .* shape"),
        (lambda: eqbrain.Variable((2, -1)), eqbrain.MathError, r"a shape cannot be negative"),
        (lambda: dyn.FixedProb(4, 5, 0.5, weight="x"), TypeError, r"FixedProb: weight must be a"),  # pyright: ignore[reportArgumentType]
        (lambda: dyn.FixedProb(4, 5, "0.5"), TypeError, r"FixedProb: prob must be a number"),  # pyright: ignore[reportArgumentType]
        (lambda: dyn.IJConn([0], [1], 3, 3, weight="x"), TypeError, r"IJConn: weight must be"),
        (lambda: dyn.IJConn([0], [1], 3, 3, weight=["x"]), TypeError, r"IJConn: weight must"),
    ],
)
def test_bad_arguments_name_the_argument_and_the_object(build, error, message):
    # before: 'float' object is not iterable; broadcast_in_dim ... (-3,); could not convert
    # string to float: 'x'
    with pytest.raises(error, match=message):
        build()


def test_a_plain_int_is_the_size_of_a_variable():
    assert eqbrain.Variable(3).shape == (3,) and eqbrain.Variable(0).shape == (0,)
    assert int(eqbrain.Variable(jnp.asarray(-3)).value) == -3


def _proj(n_post_comm, n_syn):
    return dyn.AlignPostProj(dyn.FixedProb(4, n_post_comm, 0.5), dyn.Expon(n_syn), dyn.CUBA())


def test_an_align_post_projection_checks_its_sizes_when_it_is_built():
    # before: it built, and the first step failed with a raw shape error
    message = (
        r"AlignPostProj: .*`comm` FixedProb\d+ \(FixedProb\) has n_post=5, but the synapse "
        r"`syn` Expon\d+ \(Expon\) has 3 neurons"
    )
    with pytest.raises(ValueError, match=message):
        _proj(5, 3)
    comm = _proj(5, 5).comm
    assert isinstance(comm, dyn.FixedProb) and comm.n_post == 5
    batched = dyn.AlignPostProj(dyn.FixedProb(4, 5, 0.5), dyn.Expon(5, batch_size=2), dyn.CUBA())
    assert batched.syn.g.shape == (2, 5)  # the batch axis is not a size


@pytest.mark.parametrize(
    "cls, sizes, message",
    [
        (dyn.FullProjAlignPost, dict(pre=4, n_pre=4, n_post=5, syn=5, post=3), "post`"),
        (dyn.FullProjAlignPost, dict(pre=4, n_pre=4, n_post=3, syn=5, post=3), "syn`"),
        (dyn.FullProjAlignPost, dict(pre=6, n_pre=4, n_post=3, syn=3, post=3), "pre`"),
        (dyn.FullProjAlignPre, dict(pre=4, n_pre=4, n_post=3, syn=3, post=3), "syn` .* `pre`"),
        (dyn.FullProjAlignPre, dict(pre=4, n_pre=5, n_post=3, syn=4, post=3), "n_pre=5"),
        (dyn.FullProjAlignPreDS, dict(pre=4, n_pre=4, n_post=2, syn=4, post=3), "n_post=2"),
    ],
)
def test_full_projections_check_pre_syn_and_post_sizes(cls, sizes, message):
    pre, post = dyn.LifRef(sizes["pre"]), dyn.LifRef(sizes["post"])
    comm = dyn.FixedProb(sizes["n_pre"], sizes["n_post"], 0.5)
    with pytest.raises(ValueError, match=rf"{cls.__name__}: .*{message}"):
        cls(pre=pre, comm=comm, syn=dyn.Expon(sizes["syn"]), out=dyn.CUBA(), post=post)


class Net(eqbrain.Network):
    lif: dyn.LIF

    def __init__(self):
        super().__init__()
        self.lif = dyn.LIF(3)


@pytest.mark.parametrize("jit", [True, False])
def test_a_monitor_that_returns_no_array_is_named_and_nothing_changes(jit):
    net = Net()
    before = snapshot(net)
    runner = eqbrain.DSRunner(net, monitors={"label": lambda: "abc"}, jit=jit)
    runner.mon = earlier = eqbrain.Monitors(ts=np.arange(3.0))
    # before: TypeError: data type 'abc' not understood
    with pytest.raises(
        eqbrain.MonitorError, match=r"monitor 'label': its function returned 'abc'"
    ):
        runner.run(inputs=jnp.full((10, 3), 30.0))
    assert_unchanged(net, before)
    assert runner.i0 == 0 and runner.mon is earlier  # the last records stay


@pytest.mark.parametrize("jit", [True, False])
def test_an_error_in_a_monitor_function_names_the_monitor(jit):
    net = Net()
    before = snapshot(net)
    runner = eqbrain.DSRunner(net, monitors={"bad": lambda: 1 / 0}, jit=jit)
    with pytest.raises(ZeroDivisionError) as info:
        runner.run(1.0)
    assert "(raised by the function of monitor 'bad')" in getattr(info.value, "__notes__")
    assert_unchanged(net, before)


def test_a_func_input_that_returns_no_array_is_named_and_nothing_changes():
    net = Net()
    before = snapshot(net)
    runner = eqbrain.DSRunner(net, inputs=[("lif.V", lambda: "x", "func")])
    with pytest.raises(eqbrain.RunningError, match=r"the 'func' input to Variable '.*V'.*'x'"):
        runner.run(1.0)
    assert_unchanged(net, before)
    runner = eqbrain.DSRunner(net, inputs=[("lif.V", lambda: np.ones(3), "func", "=")])
    V = np.array(net.lif.V.value)
    runner.run(0.2)
    assert runner.i0 == 2 and not np.array_equal(net.lif.V.value, V)
