"""The small BrainPy idioms: JAX settings (`bm.set_platform`, `bm.enable_x64`, ...),
`bp.visualize.get_figure`, `bp.share.get_shargs`, the `NeuDyn`/`SynDyn` bases, the
`*Mg` projection names with BrainPy's argument order, and assigning to a parameter of
a built model."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import equinox as eqx
import jax
import jax.numpy as jnp
import matplotlib
import numpy as np
import pytest

import eqbrain
from eqbrain import dyn

matplotlib.use("Agg")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# -- JAX settings ---------------------------------------------------------------------


def test_platform_and_device_count_take_effect_when_called_first():
    code = (
        "import eqbrain, jax\n"
        "eqbrain.set_platform('cpu')\n"
        "eqbrain.set_host_device_count(3)\n"
        "print(len(jax.devices()), jax.devices()[0].platform)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.path.join(ROOT, "src")}
    env.pop("XLA_FLAGS", None)
    env.pop("JAX_PLATFORMS", None)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["3", "cpu"]


def test_platform_and_device_count_refuse_once_jax_has_started():
    jnp.zeros(1)  # JAX's backends are up
    flags = os.environ.get("XLA_FLAGS")
    n = len(jax.devices("cpu")) + 1
    with pytest.raises(RuntimeError, match=rf"set_host_device_count\({n}\) must be called before"):
        eqbrain.set_host_device_count(n)
    assert os.environ.get("XLA_FLAGS") == flags  # nothing changed
    assert len(jax.devices("cpu")) == n - 1
    other = "tpu" if jax.devices()[0].platform != "tpu" else "gpu"
    with pytest.raises(RuntimeError, match=r"JAX_PLATFORMS="):
        eqbrain.set_platform(other)
    # What is already so is accepted.
    eqbrain.set_platform(jax.devices()[0].platform)
    eqbrain.set_host_device_count(n - 1)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: eqbrain.set_platform("cuda"), ValueError, "platform must be one of"),
        (lambda: eqbrain.set_host_device_count(0), ValueError, "n must be a whole number"),
        (
            lambda: eqbrain.set_host_device_count(2.0),  # pyright: ignore[reportArgumentType]
            ValueError,
            "n must be a whole number",
        ),
        (lambda: eqbrain.enable_x64("yes"), TypeError, "x64 must be True, False or None"),
    ],
)
def test_settings_refuse_bad_arguments(call, error, message):
    before = (jax.config.values["jax_enable_x64"], os.environ.get("XLA_FLAGS"))
    with pytest.raises(error, match=message):
        call()
    assert (jax.config.values["jax_enable_x64"], os.environ.get("XLA_FLAGS")) == before


def test_enable_and_disable_x64():
    before = jax.config.values["jax_enable_x64"]
    try:
        eqbrain.enable_x64()
        assert jnp.ones(2).dtype == jnp.float64
        assert dyn.Lif(2).V.value.dtype == jnp.float64
        eqbrain.disable_x64()
        assert jnp.ones(2).dtype == jnp.float32
        eqbrain.enable_x64(True)
        assert jnp.ones(2).dtype == jnp.float64
        eqbrain.enable_x64(False)
        assert jnp.ones(2).dtype == jnp.float32
    finally:
        jax.config.update("jax_enable_x64", before)


# -- get_figure, get_shargs -----------------------------------------------------------


def test_get_figure_gives_a_figure_and_its_grid():
    import matplotlib.pyplot as plt

    fig, gs = eqbrain.visualize.get_figure(2, 3, 4, 5)
    try:
        assert tuple(fig.get_size_inches()) == (15.0, 8.0)
        assert gs.get_geometry() == (2, 3)
        ax = fig.add_subplot(gs[1, 2])
        assert ax.figure is fig
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    "args, name",
    [
        ((0, 1), "row_num"),
        ((1, 1.5), "col_num"),
        ((1, 1, -3), "row_len"),
        ((1, 1, 3, "6"), "col_len"),
    ],
)
def test_get_figure_refuses_bad_sizes(args, name):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    with pytest.raises(ValueError, match=f"{name} must be"):
        eqbrain.plot.get_figure(*args)
    assert plt.get_fignums() == before


def test_get_shargs_is_the_current_context():
    with eqbrain.share.context(t=1.5, i=15, dt=0.1):
        shargs = eqbrain.share.get_shargs()
        assert shargs == {"dt": 0.1, "t": 1.5, "i": 15}
        shargs["t"] = 99.0  # a copy: the context is unchanged
        assert eqbrain.share.load("t") == 1.5
    assert "t" not in eqbrain.share.get_shargs()


# -- bases and populations ------------------------------------------------------------


def test_neudyn_and_syndyn_are_the_population_base():
    assert dyn.NeuDyn is dyn.Population and dyn.SynDyn is dyn.Population

    class Rate(dyn.NeuDyn):  # BrainPy style: its own __init__, the Variables declared
        x: eqbrain.Variable

        def __init__(self, size, tau=10.0):
            super().__init__(size)
            self.x = self._variable(0.0)

        def update(self, inp=0.0):
            self.x.value = self.x.value + inp
            return self.x.value

    r = Rate((2, 3))
    assert (r.num, r.varshape, r.x.shape) == (6, (2, 3), (2, 3))


def test_poisson_group_has_num_and_varshape():
    group = dyn.PoissonGroup((4, 5), freqs=10.0, batch_size=2)
    assert (group.num, group.varshape, group.spike.shape) == (20, (4, 5), (2, 4, 5))


# -- BrainPy's *Mg projection names ---------------------------------------------------


def _net():
    eqbrain.clear_name_cache()
    E, I = dyn.LifRef(8, V_th=-50.0, V_rest=-60.0), dyn.LifRef(6, V_rest=-60.0)
    E.spike.value = jnp.arange(8) % 2 == 0
    I.V.value = jnp.linspace(-70.0, -50.0, 6)
    return E, I


def _parts(n_syn, n_pre=8, n_post=6):
    return (
        dyn.FixedProb(n_pre, n_post, 0.5, 0.3, seed=1),
        dyn.Expon(n_syn, tau=5.0),
        dyn.COBA(E=0.0),
    )


def _steps(proj, *args):
    with eqbrain.share.context(t=0.0, i=0, dt=0.1):
        return [np.asarray(proj(*args)) for _ in range(3)]


def test_full_proj_align_post_mg_takes_brainpy_arguments():
    E, I = _net()
    comm, syn, out = _parts(6)
    mg = dyn.ProjAlignPostMg2(pre=E, delay=None, comm=comm, syn=syn, out=out, post=I)
    assert isinstance(mg, dyn.FullProjAlignPostMg) and isinstance(mg, dyn.FullProjAlignPost)
    comm, syn, out = _parts(6)
    ref = dyn.FullProjAlignPost(pre=E, comm=comm, syn=syn, out=out, post=I)
    np.testing.assert_array_equal(_steps(mg), _steps(ref))
    assert np.abs(_steps(mg)[-1]).sum() > 0


def test_half_proj_align_post_mg_reads_post_and_takes_the_spikes():
    E, I = _net()
    comm, syn, out = _parts(6)
    half = dyn.ProjAlignPostMg1(comm=comm, syn=syn, out=out, post=I)
    assert isinstance(half, dyn.HalfProjAlignPostMg)
    comm, syn, out = _parts(6)
    ref = dyn.AlignPostProj(comm, syn, out)
    spikes = E.spike.value
    np.testing.assert_array_equal(_steps(half, spikes), _steps(ref, spikes, I.V.value))


@pytest.mark.parametrize(
    "alias, cls, positional",
    [
        ("ProjAlignPreMg2", "FullProjAlignPre", ("pre", "syn", "delay", "comm", "out", "post")),
        ("ProjAlignPreMg1", "FullProjAlignPreDS", ("pre", "delay", "syn", "comm", "out", "post")),
    ],
)
def test_align_pre_mg_forms_take_brainpy_positional_order(alias, cls, positional):
    E, I = _net()
    comm, syn, out = _parts(8)
    parts = {"pre": E, "syn": syn, "delay": 0.2, "comm": comm, "out": out, "post": I}
    mg = getattr(dyn, alias)(*(parts[k] for k in positional))
    comm, syn, out = _parts(8)
    ref = getattr(dyn, cls)(pre=E, syn=syn, comm=comm, out=out, post=I, delay=0.2)
    assert type(mg).__mro__[1] is type(ref)
    np.testing.assert_array_equal(_steps(mg), _steps(ref))


def test_every_projection_is_a_projection_and_the_base_subclasses():
    E, I = _net()
    comm, syn, out = _parts(6)
    projs = [
        dyn.AlignPostProj(comm, syn, out),
        dyn.FullProjAlignPost(pre=E, comm=comm, syn=syn, out=out, post=I),
        dyn.HalfProjAlignPostMg(comm, syn, out, post=I),
    ]
    assert all(isinstance(p, dyn.Projection) for p in projs)

    class Gap(dyn.Projection):
        g: float = 0.5

        def update(self, V_pre, V_post):
            return self.g * (V_pre - V_post)

    assert float(Gap()(jnp.ones(()), jnp.zeros(()))) == 0.5


def test_half_proj_refuses_a_post_without_a_potential():
    comm, syn, out = _parts(6)
    group = dyn.PoissonGroup(6, freqs=1.0)
    with pytest.raises(TypeError, match="postsynaptic population must have a `V`"):
        dyn.HalfProjAlignPostMg(comm, syn, out, post=group)


# -- assigning to a field of a built model --------------------------------------------


def test_assigning_a_parameter_says_how_and_changes_nothing():
    neu = dyn.LifRef(3, tau=20.0, name="E_idioms")
    with pytest.raises(dataclasses.FrozenInstanceError) as info:
        neu.tau = 5.0
    assert isinstance(info.value, AttributeError)
    message = str(info.value)
    for part in ("E_idioms.tau", "LifRef", "Variable", "eqx.tree_at(lambda m: m.tau"):
        assert part in message, message
    assert neu.tau == 20.0
    # The advice works.
    new = eqx.tree_at(lambda m: m.tau, neu, 5.0)
    assert new.tau == 5.0 and neu.tau == 20.0


def test_assigning_a_static_field_says_to_build_a_new_model():
    neu = dyn.LifRef(3)
    with pytest.raises(
        dataclasses.FrozenInstanceError, match=r"static field .*LifRef\(\.\.\., size="
    ):
        neu.size = (4,)
    assert neu.size == (3,)


def test_writing_a_variable_field_still_writes_its_value():
    neu = dyn.LifRef(3)
    v = neu.V
    neu.V = jnp.full(3, -55.0)  # pyright: ignore[reportAttributeAccessIssue]
    assert neu.V is v and float(v.value[0]) == -55.0
