"""`eqbrain.random` and `RandomState`: reproducible under `eqbrain.jit`, `eqbrain.for_loop`
and checkpoints; explicit seeding; the samplers `jax.random` lacks; bad inputs."""

from __future__ import annotations

import ast
import os
import pathlib
import subprocess
import sys
import tempfile

import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np
import pytest
import scipy.stats as stats
from hypothesis import given, settings, strategies as st

import eqbrain
import eqbrain.random as br
from eqbrain import TraceLeakError

SRC = pathlib.Path(__file__).parent.parent / "src" / "eqbrain"


def same(a, b) -> bool:
    return bool(jnp.array_equal(jnp.asarray(a), jnp.asarray(b)))


def draws(rng, n=3):
    return [rng.normal(size=4) for _ in range(n)]


# -- reproducibility -------------------------------------------------------------------


def test_seed_makes_the_default_generator_reproducible():
    br.seed(42)
    a = [br.rand(4), br.normal(size=4)]
    br.seed(42)
    b = [br.rand(4), br.normal(size=4)]
    br.seed(43)
    c = br.rand(4)
    assert same(a[0], b[0]) and same(a[1], b[1])
    assert not same(a[0], c)


def test_each_draw_splits_the_key():
    rng = eqbrain.random.RandomState(0)
    before = rng.value
    a, b = rng.rand(4), rng.rand(4)
    assert not same(a, b)
    assert not same(before, rng.value)
    # The draw uses the key split off the state, as documented.
    rng.seed(0)
    k = rng.split_key()
    rng.seed(0)
    assert same(rng.rand(4), jr.uniform(k, (4,)))


def test_explicit_key_leaves_the_state_alone():
    rng = eqbrain.random.RandomState(0)
    before = rng.value
    a = rng.rand(4, key=7)
    assert same(rng.value, before)
    assert same(a, jr.uniform(jr.key(7), (4,)))
    assert same(a, rng.rand(4, key=jr.PRNGKey(7)))
    assert same(a, rng.rand(4, key=jr.key(7)))


def test_jit_draws_what_eager_draws():
    rng = eqbrain.random.RandomState(0)
    eager = draws(rng)
    rng.seed(0)
    step = eqbrain.jit(lambda: rng.normal(size=4))
    jitted = [step() for _ in range(3)]
    assert all(same(a, b) for a, b in zip(eager, jitted))
    # ... and leaves the state where the eager draws left it.
    after_eager = eqbrain.random.RandomState(0)
    draws(after_eager)
    assert same(rng.value, after_eager.value)


def test_for_loop_draws_what_eager_draws():
    rng = eqbrain.random.RandomState(0)
    eager = jnp.stack(draws(rng))
    end = rng.value
    rng.seed(0)
    looped = eqbrain.for_loop(lambda i: rng.normal(size=4), jnp.arange(3))
    assert same(looped, eager)
    assert same(rng.value, end)


def test_jit_of_for_loop_draws_what_eager_draws():
    rng = eqbrain.random.RandomState(0)
    eager = jnp.stack(draws(rng))
    rng.seed(0)
    run = eqbrain.jit(lambda: eqbrain.for_loop(lambda i: rng.normal(size=4), jnp.arange(3)))
    assert same(run(), eager)


def test_default_generator_under_jit_and_for_loop():
    br.seed(7)
    eager = [br.normal(size=4) for _ in range(3)]
    br.seed(7)
    assert same(eqbrain.jit(lambda: br.normal(size=4))(), eager[0])
    assert same(eqbrain.for_loop(lambda i: br.normal(size=4), jnp.arange(2)), eager[1:])


class Net(eqbrain.Module):
    rng: eqbrain.random.RandomState
    w: eqbrain.Variable

    def __init__(self, seed):
        super().__init__()
        self.rng = eqbrain.random.RandomState(seed)
        self.w = eqbrain.Variable(jnp.zeros(2))


def test_checkpoint_continues_the_stream(tmp_path):
    net = Net(1)
    net.rng.rand(3)
    path = tmp_path / "net.safetensors"
    eqbrain.save(path, net)
    after = draws(net.rng)
    assert eqbrain.read_state(path)["rng.key"].dtype == np.uint32
    twin = Net(99)
    eqbrain.load(path, twin)
    assert all(same(a, b) for a, b in zip(after, draws(twin.rng)))


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(0, 4))
def test_checkpoint_round_trip_continues_any_stream(seed, k):
    rng = eqbrain.random.RandomState(seed)
    for _ in range(k):
        rng.split_key()
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "rng.safetensors"
        eqbrain.save(path, rng)
        expected = [jr.key_data(rng.split_key()) for _ in range(2)]
        twin = eqbrain.random.RandomState(0)
        eqbrain.load(path, twin)
    assert all(same(a, jr.key_data(twin.split_key())) for a in expected)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_seed_and_key_data_round_trip(seed):
    rng = eqbrain.random.RandomState(seed)
    again = eqbrain.random.RandomState(rng.value)  # raw key data
    typed = eqbrain.random.RandomState(jr.wrap_key_data(rng.value))
    assert same(rng.value, again.value) and same(rng.value, typed.value)
    assert same(rng.value, jr.key_data(jr.key(seed)))


def test_clone_and_split_keys_are_independent():
    rng = eqbrain.random.RandomState(0)
    keys = rng.split_keys(3)
    assert keys.shape == (3,)
    datas = {tuple(np.asarray(jr.key_data(k))) for k in keys}
    assert len(datas) == 3
    clone = rng.clone()
    assert not same(clone.value, rng.value)


def test_reset_state_of_a_dynamical_system_leaves_its_generator_going():
    class Noisy(eqbrain.DynamicalSystem):
        rng: eqbrain.random.RandomState
        x: eqbrain.Variable

        def __init__(self):
            super().__init__()
            self.rng = eqbrain.random.RandomState(3)
            self.x = eqbrain.Variable(jnp.zeros(4))

        def update(self):
            self.x.value = self.rng.normal(size=4)
            return self.x.value

    net = Noisy()
    first = net.update()
    net.reset_state()
    assert same(net.x.value, jnp.zeros(4))
    assert not same(net.update(), first)  # as in BrainPy: the stream goes on
    net.rng.seed(3)
    assert same(net.update(), first)


def test_shuffle_writes_a_variable_in_place():
    v = eqbrain.Variable(jnp.arange(10))
    out = eqbrain.random.RandomState(0).shuffle(v)
    assert same(v.value, out)
    assert sorted(np.asarray(v.value).tolist()) == list(range(10))
    arr = jnp.arange(10)
    assert sorted(np.asarray(eqbrain.random.RandomState(0).shuffle(arr)).tolist()) == list(
        range(10)
    )
    assert same(arr, jnp.arange(10))


def test_import_creates_no_jax_array():
    # With no usable JAX platform, importing succeeds only if it starts no backend;
    # the first draw builds the default generator and so needs one.
    code = (
        "import eqbrain\n"
        "try:\n"
        "    eqbrain.random.seed(0)\n"
        "except RuntimeError:\n"
        "    print('no backend until the first draw')\n"
    )
    env = {**os.environ, "JAX_PLATFORMS": "no_such_platform", "PYTHONPATH": str(SRC.parent)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "no backend until the first draw" in out.stdout


# -- every module-level function draws from DEFAULT, or from `key=` ---------------------

CALLS = {
    "rand": ((2,), {}),
    "random": ((2,), {}),
    "random_sample": ((2,), {}),
    "ranf": ((2,), {}),
    "sample": ((2,), {}),
    "uniform": ((0.0, 1.0, 2), {}),
    "randint": ((5, None, 2), {}),
    "random_integers": ((5, None, 2), {}),
    "choice": ((5, 2), {}),
    "permutation": ((5,), {}),
    "shuffle": ((jnp.arange(5),), {}),
    "randn": ((2,), {}),
    "standard_normal": ((2,), {}),
    "normal": ((0.0, 1.0, 2), {}),
    "truncated_normal": ((-1.0, 1.0, 2), {}),
    "lognormal": ((0.0, 1.0, 2), {}),
    "standard_exponential": ((2,), {}),
    "exponential": ((1.0, 2), {}),
    "standard_gamma": ((2.0, 2), {}),
    "gamma": ((2.0, 1.0, 2), {}),
    "loggamma": ((2.0, 2), {}),
    "beta": ((2.0, 2.0, 2), {}),
    "dirichlet": (([1.0, 2.0],), {}),
    "chisquare": ((2.0, 2), {}),
    "noncentral_chisquare": ((2.0, 1.0, 2), {}),
    "f": ((2.0, 3.0, 2), {}),
    "noncentral_f": ((2.0, 3.0, 1.0, 2), {}),
    "standard_t": ((2.0, 2), {}),
    "t": ((2.0, 2), {}),
    "standard_cauchy": ((2,), {}),
    "gumbel": ((0.0, 1.0, 2), {}),
    "laplace": ((0.0, 1.0, 2), {}),
    "logistic": ((0.0, 1.0, 2), {}),
    "pareto": ((2.0, 2), {}),
    "power": ((2.0, 2), {}),
    "rayleigh": ((1.0, 2), {}),
    "maxwell": ((2,), {}),
    "triangular": ((0.0, 0.5, 1.0, 2), {}),
    "vonmises": ((0.0, 1.0, 2), {}),
    "wald": ((1.0, 1.0, 2), {}),
    "weibull": ((2.0, 2), {}),
    "weibull_min": ((2.0, 1.0, 2), {}),
    "multivariate_normal": (([0.0, 0.0], np.eye(2)), {}),
    "orthogonal": ((2,), {}),
    "bernoulli": ((0.5, 2), {}),
    "binomial": ((3, 0.5, 2), {}),
    "negative_binomial": ((3, 0.5, 2), {}),
    "poisson": ((1.0, 2), {}),
    "geometric": ((0.5, 2), {}),
    "multinomial": ((5, [0.5, 0.5]), {}),
    "hypergeometric": ((3, 3, 2, 2), {}),
    "logseries": ((0.5, 2), {}),
    "zipf": ((2.0, 2), {}),
    "categorical": ((jnp.zeros(3),), {"size": 2}),
    "rand_like": ((jnp.zeros(2),), {}),
    "randn_like": ((jnp.zeros(2),), {}),
    "randint_like": ((jnp.full(2, 5),), {}),
}


def test_every_sampler_has_a_module_function_and_is_tested():
    own = set(dir(eqbrain.random.RandomState)) - set(dir(eqbrain.Module))
    state = {"seed", "set_key", "split_key", "split_keys", "clone", "value", "key"}
    samplers = {n for n in own if not n.startswith("_")} - state
    assert samplers == set(CALLS)
    assert all(callable(getattr(br, n)) for n in samplers)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_module_function_draws_from_default_or_key(name):
    args, kwargs = CALLS[name]
    fn = getattr(br, name)
    br.seed(5)
    before = br.get_key()
    a = fn(*args, **kwargs)
    assert not same(br.get_key(), before)
    # The same draw from the method, after the same seed.
    br.seed(5)
    assert same(getattr(br.DEFAULT, name)(*args, **kwargs), a)
    # With key=, the default state does not move and the draw is the key's.
    now = br.get_key()
    b = fn(*args, key=11, **kwargs)
    c = fn(*args, key=jr.key(11), **kwargs)
    assert same(br.get_key(), now) and same(b, c)


# -- samplers beyond jax.random, checked against their distributions ----------------------

N = 4000


def ks(sample, cdf) -> float:
    return stats.kstest(np.asarray(sample, np.float64), cdf).pvalue


def test_vonmises_matches_scipy():
    x = eqbrain.random.RandomState(0).vonmises(0.5, 2.0, N)
    assert bool(((x >= -np.pi) & (x < np.pi)).all())
    assert ks(x, stats.vonmises(2.0, loc=0.5).cdf) > 1e-3


def test_vonmises_tiny_kappa_is_uniform():
    x = eqbrain.random.RandomState(0).vonmises(0.0, 0.0, N)
    assert ks(x, stats.uniform(-np.pi, 2 * np.pi).cdf) > 1e-3


def test_wald_matches_scipy():
    x = eqbrain.random.RandomState(0).wald(2.0, 3.0, N)
    # numpy's wald(mean, scale) is scipy's invgauss(mean / scale, scale=scale).
    assert ks(x, stats.invgauss(2.0 / 3.0, scale=3.0).cdf) > 1e-3


def test_power_matches_scipy():
    assert ks(eqbrain.random.RandomState(0).power(3.0, N), stats.powerlaw(3.0).cdf) > 1e-3


def test_noncentral_chisquare_matches_scipy():
    x = eqbrain.random.RandomState(0).noncentral_chisquare(3.0, 2.0, N)
    assert ks(x, stats.ncx2(3.0, 2.0).cdf) > 1e-3


def test_noncentral_f_matches_scipy():
    x = eqbrain.random.RandomState(0).noncentral_f(3.0, 20.0, 3.0, N)
    assert ks(x, stats.ncf(3.0, 20.0, 3.0).cdf) > 1e-3


def test_truncated_normal_uses_bounds_in_sample_units():
    x = eqbrain.random.RandomState(0).truncated_normal(1.0, 4.0, N, loc=2.0, scale=3.0)
    assert bool(((x >= 1.0) & (x <= 4.0)).all())
    dist = stats.truncnorm((1.0 - 2.0) / 3.0, (4.0 - 2.0) / 3.0, loc=2.0, scale=3.0)
    assert ks(x, dist.cdf) > 1e-3


def chi2_pvalue(sample, pmf, support) -> float:
    sample = np.asarray(sample)
    observed = np.array([(sample == k).sum() for k in support] + [(sample > support[-1]).sum()])
    probs = np.array([pmf(k) for k in support])
    expected = np.append(probs, 1 - probs.sum()) * len(sample)
    keep = expected > 5
    expected = expected[keep] * observed[keep].sum() / expected[keep].sum()
    return stats.chisquare(observed[keep], expected).pvalue


def test_zipf_matches_scipy():
    x = eqbrain.random.RandomState(0).zipf(2.5, N)
    assert bool((x >= 1).all())
    assert chi2_pvalue(x, lambda k: stats.zipf.pmf(k, 2.5), list(range(1, 8))) > 1e-3


def test_logseries_matches_scipy():
    x = eqbrain.random.RandomState(0).logseries(0.7, N)
    assert chi2_pvalue(x, lambda k: stats.logser.pmf(k, 0.7), list(range(1, 8))) > 1e-3


def test_hypergeometric_matches_scipy():
    x = eqbrain.random.RandomState(0).hypergeometric(7, 5, 6, N)
    # scipy: hypergeom(M=total, n=good, N=draws)
    assert chi2_pvalue(x, lambda k: stats.hypergeom.pmf(k, 12, 7, 6), list(range(1, 7))) > 1e-3


def test_negative_binomial_matches_scipy():
    x = eqbrain.random.RandomState(0).negative_binomial(3, 0.4, N)
    assert chi2_pvalue(x, lambda k: stats.nbinom.pmf(k, 3, 0.4), list(range(0, 12))) > 1e-3


# -- bad inputs ----------------------------------------------------------------------------


def test_drawing_inside_jax_jit_says_what_to_do():
    rng = eqbrain.random.RandomState(0)
    before = rng.value
    with pytest.raises(TraceLeakError, match=r"explicit keys: draw with a key passed in"):
        jax.jit(lambda: rng.rand(2))()
    assert same(rng.value, before)
    # ... and the explicit key works there.
    out = jax.jit(lambda k: rng.rand(2, key=k))(jr.key(0))
    assert same(out, jr.uniform(jr.key(0), (2,)))


@pytest.mark.parametrize("bad", [1.5, "seed", True, jnp.zeros(3), jnp.zeros(2, jnp.float32)])
def test_bad_seed_is_refused(bad):
    rng = eqbrain.random.RandomState(0)
    before = rng.value
    with pytest.raises(TypeError, match="Expected an integer seed, a key from `jax.random.key"):
        rng.seed(bad)
    assert same(rng.value, before)


def test_a_batch_of_keys_is_refused():
    with pytest.raises(TypeError, match=r"Expected one key, got an array of \(2,\) keys"):
        eqbrain.random.RandomState(0).rand(2, key=jr.split(jr.key(0)))


# Every constrained parameter of every sampler: (draw, the message it must give). The
# message names the sampler, the parameter and the rule, as NumPy's checks do.
BAD = [
    (lambda r: r.randint(5, 2), r"randint needs low < high, got low=5, high=2"),
    (lambda r: r.randint(0), r"randint needs low < high, got low=0, high=0"),
    (lambda r: r.random_integers(5, 2), r"random_integers needs low <= high"),
    (lambda r: r.uniform(2.0, 1.0), r"uniform needs low <= high"),
    (lambda r: r.choice(0, 2), r"choice needs a > 0, got 0"),
    (lambda r: r.choice(3, 2, p=[0.5, -0.1, 0.6]), r"choice needs p in \[0, 1\]"),
    (lambda r: r.normal(0.0, -1.0), r"normal needs scale >= 0, got -1.0"),
    (lambda r: r.normal(0.0, [1.0, -1.0]), r"normal needs scale >= 0, got an array"),
    (lambda r: r.normal(0.0, jnp.asarray(-1.0)), r"normal needs scale >= 0"),
    (lambda r: r.lognormal(0.0, -1.0), r"lognormal needs sigma >= 0"),
    (lambda r: r.truncated_normal(-1.0, 1.0, scale=0.0), r"truncated_normal needs scale > 0"),
    (lambda r: r.truncated_normal(1.0, -1.0), r"truncated_normal needs lower < upper"),
    (lambda r: r.exponential(-1.0), r"exponential needs scale >= 0, got -1.0"),
    (lambda r: r.standard_gamma(-1.0), r"gamma needs shape >= 0"),
    (lambda r: r.gamma(1.0, -1.0), r"gamma needs scale >= 0"),
    (lambda r: r.loggamma(0.0), r"loggamma needs a > 0"),
    (lambda r: r.beta(0.0, 1.0), r"beta needs a > 0"),
    (lambda r: r.beta(1.0, -1.0), r"beta needs b > 0"),
    (lambda r: r.dirichlet([1.0, -1.0]), r"dirichlet needs alpha >= 0"),
    (lambda r: r.chisquare(0.0), r"chisquare needs df > 0"),
    (lambda r: r.noncentral_chisquare(0.0, 1.0), r"noncentral_chisquare needs df > 0"),
    (lambda r: r.noncentral_chisquare(1.0, -1.0), r"noncentral_chisquare needs nonc >= 0"),
    (lambda r: r.f(0.0, 1.0), r"f needs dfnum > 0"),
    (lambda r: r.f(1.0, 0.0), r"f needs dfden > 0"),
    (lambda r: r.noncentral_f(1.0, 1.0, -1.0), r"noncentral_f needs nonc >= 0"),
    (lambda r: r.noncentral_f(0.0, 1.0, 1.0), r"noncentral_f needs dfnum > 0"),
    (lambda r: r.standard_t(0.0), r"standard_t needs df > 0"),
    (lambda r: r.gumbel(0.0, -1.0), r"gumbel needs scale >= 0"),
    (lambda r: r.laplace(0.0, -1.0), r"laplace needs scale >= 0"),
    (lambda r: r.logistic(0.0, -1.0), r"logistic needs scale >= 0"),
    (lambda r: r.pareto(0.0), r"pareto needs a > 0"),
    (lambda r: r.power(0.0), r"power needs a > 0"),
    (lambda r: r.rayleigh(-1.0), r"rayleigh needs scale >= 0"),
    (lambda r: r.triangular(0.0, 2.0, 1.0), r"triangular needs left <= mode <= right"),
    (lambda r: r.vonmises(0.0, -1.0), r"vonmises needs kappa >= 0"),
    (lambda r: r.wald(0.0, 1.0), r"wald needs mean > 0"),
    (lambda r: r.wald(1.0, 0.0), r"wald needs scale > 0"),
    (lambda r: r.weibull(0.0), r"weibull needs a > 0"),
    (lambda r: r.weibull_min(1.0, -1.0), r"weibull_min needs scale >= 0"),
    (lambda r: r.orthogonal(-1), r"orthogonal needs n, an int >= 0"),
    (lambda r: r.bernoulli(1.5), r"bernoulli needs p in \[0, 1\], got 1.5"),
    (lambda r: r.binomial(3, -0.1), r"binomial needs p in \[0, 1\]"),
    (lambda r: r.binomial(-1, 0.5), r"binomial needs n >= 0"),
    (lambda r: r.binomial(3, float("nan")), r"binomial needs p in \[0, 1\], got nan"),
    (lambda r: r.negative_binomial(0, 0.5), r"negative_binomial needs n > 0"),
    (lambda r: r.negative_binomial(3, 0.0), r"negative_binomial needs p in \(0, 1\]"),
    (lambda r: r.poisson(-2.0), r"poisson needs lam >= 0 \(and not NaN\), got -2.0"),
    (lambda r: r.poisson(float("nan")), r"poisson needs lam >= 0 \(and not NaN\)"),
    (lambda r: r.geometric(0.0), r"geometric needs p in \(0, 1\]"),
    (lambda r: r.multinomial(-1, [0.5, 0.5]), r"multinomial needs n >= 0"),
    (lambda r: r.multinomial(3, [0.7, 0.7, 0.0]), r"multinomial needs sum\(pvals\[:-1\]\) <= 1"),
    (lambda r: r.multinomial(3, [1.5, 0.0]), r"multinomial needs pvals in \[0, 1\]"),
    (lambda r: r.hypergeometric(2, 2, 5), r"hypergeometric needs 0 <= nsample <= ngood \+ nbad"),
    (lambda r: r.hypergeometric(-1, 2, 1), r"hypergeometric needs ngood >= 0"),
    (lambda r: r.logseries(1.0), r"logseries needs p in \(0, 1\)"),
    (lambda r: r.zipf(1.0), r"zipf needs a > 1"),
    (lambda r: r.randint_like(jnp.zeros(3), 5, 2), r"randint needs low < high"),
]
BAD_ARGS = [
    (lambda r: r.multivariate_normal([0.0], [[1.0]], method="qr"), "method must be"),
    (lambda r: r.split_key(0), "n must be a positive int"),
    (lambda r: r.rand(2, 2.5), "size must be None, an int or a sequence"),
    (lambda r: r.normal(size="3"), "size must be None, an int or a sequence"),
    (lambda r: r.normal(size=-1), r"size must have no negative entries, got -1"),
    (lambda r: r.rand(2, -3), r"size must have no negative entries, got \(2, -3\)"),
    (lambda r: r.poisson(1.0, size=(2, -1)), r"size must have no negative entries"),
    (lambda r: r.choice(3, 5, replace=False), r"larger sample \(size 5\) than population"),
]


@pytest.mark.parametrize("draw, message", BAD + BAD_ARGS)
def test_bad_parameters_are_refused_before_the_state_moves(draw, message):
    rng = eqbrain.random.RandomState(0)
    before = rng.value
    with pytest.raises((ValueError, TypeError), match=message):
        draw(rng)
    assert same(rng.value, before)


@pytest.mark.parametrize("draw, message", BAD[:8])
def test_bad_parameters_of_module_functions_leave_the_default_key_alone(draw, message):
    before = br.get_key()
    with pytest.raises(ValueError, match=message):
        draw(br)
    assert same(br.get_key(), before)


def test_every_constrained_sampler_is_checked():
    """Every sampler with a parameter constraint appears in BAD (a new one must too)."""
    free = {  # no constraint on their parameters (any real loc, any logits, ...)
        "rand", "random", "random_sample", "ranf", "sample", "permutation", "shuffle",
        "randn", "standard_normal", "standard_exponential", "standard_cauchy", "maxwell",
        "multivariate_normal", "categorical", "rand_like", "randn_like", "t",
    }  # fmt: skip
    checked = set()
    for draw, _ in BAD:
        rng = eqbrain.random.RandomState(0)
        calls = []

        class Spy:
            def __getattr__(self, name):
                calls.append(name)
                return getattr(rng, name)

        try:
            draw(Spy())
        except ValueError:
            pass
        checked.add(calls[0])
    assert set(CALLS) - free <= checked, sorted(set(CALLS) - free - checked)


def test_traced_bad_parameter_is_used_as_given_under_jit():
    # Documented: a tracer has no value to check, so it is not checked (NumPy has none).
    rng = eqbrain.random.RandomState(0)
    out = jax.jit(lambda s: rng.normal(0.0, s, size=3, key=0))(jnp.float32(-1.0))
    assert same(out, -jr.normal(jr.key(0), (3,)))


def test_concrete_bad_parameter_inside_jit_is_refused_at_trace_time():
    with pytest.raises(ValueError, match="exponential needs scale >= 0"):
        jax.jit(lambda k: eqbrain.random.RandomState(0).exponential(-1.0, 3, key=k))(jr.key(0))


def test_traced_bad_parameter_raises_at_run_time_instead_of_looping():
    rng = eqbrain.random.RandomState(0)
    with pytest.raises(Exception, match="zipf needs a > 1"):
        jax.jit(lambda a: rng.zipf(a, 3, key=0))(jnp.float32(1.0)).block_until_ready()


# -- layering ------------------------------------------------------------------------------

ALLOWED = {
    "surrogate": set(),
    "random": {"_core", "_errors"},
    "init": {"_core", "random"},
    "losses": {"_core"},
    "measure": {"dyn", "random"},
}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_toolbox_packages_import_only_the_layers_below(package):
    used = set()
    for path in (SRC / package).glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                used.add((node.module or "").split(".")[0])
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                assert not node.module.startswith("jax._src"), path
                assert not node.module.startswith("eqbrain"), path
    assert used <= ALLOWED[package], f"{package} imports {used - ALLOWED[package]}"
