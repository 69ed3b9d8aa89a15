"""The Potjans & Diesmann microcircuit (examples/microcircuit.py) at a tiny scale, and the
library pieces it is made of: `DelayConn`, the fixed in-degree / total-number draws,
`IafPscExp` and `PoissonBackground`."""

from __future__ import annotations

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain
from tests.helpers import load_script

mc = load_script("examples/microcircuit.py")
TINY = 0.005  # 385 neurons, about 7,500 synapses


@pytest.fixture(scope="module")
def tiny():
    return mc.Microcircuit(TINY, rule="fixed_indegree", seed=3)


def test_in_degrees_are_exact_and_targets_in_their_population(tiny):
    p = mc.parameters(TINY)
    syn = tiny.conn.synapses()
    b = tiny.bounds
    pop_of = np.searchsorted(np.asarray(b), np.arange(b[-1]), side="right") - 1
    for i in range(8):
        n_post = b[i + 1] - b[i]
        for j in range(8):
            k = round(p["num_synapses"][i, j] / n_post) if p["num_synapses"][i, j] > 0 else 0
            into = (pop_of[syn["post"]] == i) & (pop_of[syn["pre"]] == j)
            per_target = np.bincount(syn["post"][into] - b[i], minlength=n_post)
            assert np.all(per_target == k), (i, j)


def test_fixed_total_number_draws_exactly_the_synapses_of_each_pair():
    net = mc.Microcircuit(TINY, seed=3)
    p = mc.parameters(TINY)
    syn = net.conn.synapses()
    b = np.asarray(net.bounds)
    pop_pre = np.searchsorted(b, syn["pre"], side="right") - 1
    pop_post = np.searchsorted(b, syn["post"], side="right") - 1
    counts = np.zeros((8, 8), int)
    np.add.at(counts, (pop_post, pop_pre), 1)
    np.testing.assert_array_equal(counts, p["num_synapses"])
    assert net.conn.n_synapses == p["num_synapses"].sum()


def test_delays_and_weights_follow_the_model(tiny):
    syn = tiny.conn.synapses()
    b = np.asarray(tiny.bounds)
    exc = (np.searchsorted(b, syn["pre"], side="right") - 1) % 2 == 0
    d = syn["delay_steps"]
    assert d.min() >= 1
    # normal 1.5 +- 0.75 ms and 0.75 +- 0.375 ms at dt = 0.1, redrawn below one step
    assert 14.5 < d[exc].mean() < 16.5 and 6.5 < d[exc].std() < 8.0
    assert 7.0 < d[~exc].mean() < 9.0 and 3.0 < d[~exc].std() < 4.2
    w = syn["weight"]
    assert np.all(w[exc] >= 0) and np.all(w[~exc] <= 0)
    base = mc.psc_over_psp(250.0, 10.0, 0.5) * 0.15 / np.sqrt(TINY)
    assert abs(np.median(w[exc]) / base - 1) < 0.05
    assert abs(np.median(w[~exc]) / (-4 * base) - 1) < 0.05


def test_connectivity_takes_8_bytes_a_synapse(tiny):
    n = tiny.conn.n_synapses
    length = tiny.conn.codes.value.shape[0]  # tail padding: the widest row, to 256 entries
    assert length % 256 == 0 and tiny.conn.width <= length - n < tiny.conn.width + 256
    extra = 4 * (tiny.bounds[-1] + 1) + 8 * (length - n)  # row pointers and tail padding
    assert tiny.conn.nbytes == 8 * n + extra
    assert tiny.conn.codes.value.dtype == jnp.int32
    assert tiny.conn.weights is not None and tiny.conn.weights.value.dtype == jnp.float32


def test_a_seed_fixes_the_whole_model():
    a, b = mc.Microcircuit(TINY, seed=5), mc.Microcircuit(TINY, seed=5)
    # every Variable and Parameter: connectivity, initial V, the background's key
    sa, sb = a.vars(method="relative"), b.vars(method="relative")
    assert sa.keys() == sb.keys() and "conn.codes" in sa and "background.key" in sa
    for key in sa:
        np.testing.assert_array_equal(sa[key].value, sb[key].value, err_msg=key)
    c = mc.Microcircuit(TINY, seed=6)
    assert not np.array_equal(a.conn.synapses()["post"], c.conn.synapses()["post"])
    assert not np.array_equal(np.asarray(a.neurons.V.value), np.asarray(c.neurons.V.value))


def test_each_spike_arrives_after_its_synapse_delay():
    rng = np.random.default_rng(0)
    n_pre, n_post, n_syn, steps = 6, 5, 40, 30
    pre, post = rng.integers(0, n_pre, n_syn), rng.integers(0, n_post, n_syn)
    # 1 to 8 steps, off the grid by less than half a step (rounded as NEST does); one
    # step arrives in the update the spike is passed to, as a projection without delay
    delay = rng.integers(1, 9, n_syn) * 0.1 + rng.uniform(-0.04, 0.04, n_syn)
    weight = rng.normal(size=n_syn).astype(np.float32)
    conn = eqbrain.dyn.DelayConn(pre, post, n_pre, n_post, weight, delay, dt=0.1)
    spikes = rng.random((steps, n_pre)) < 0.3
    with eqbrain.share.context(dt=0.1):
        got = np.asarray(eqbrain.for_loop(conn, jnp.asarray(spikes)))
    expect = np.zeros((steps + 10, n_post), np.float32)
    k = np.rint(delay / 0.1).astype(int)
    for s in range(steps):  # spikes passed at update s arrive at update s + k - 1
        for m in np.nonzero(spikes[s][pre])[0]:
            expect[s + k[m] - 1, post[m]] += weight[m]
    np.testing.assert_allclose(got, expect[:steps], rtol=1e-5, atol=1e-6)


def test_a_delay_conn_saved_mid_run_continues_with_the_input_of_one_run(tmp_path):
    # the pending input (and the slot read last, cleared at the next step) is state: a
    # run cut between two steps, saved and loaded into a fresh copy, delivers the same
    rng = np.random.default_rng(2)
    pre, post = rng.integers(0, 6, 60), rng.integers(0, 5, 60)
    delay, weight = rng.uniform(0.1, 0.9, 60), rng.normal(size=60)

    def build():
        return eqbrain.dyn.DelayConn(pre, post, 6, 5, weight, delay, dt=0.1)

    spikes = jnp.asarray(rng.random((30, 6)) < 0.4)
    with eqbrain.share.context(dt=0.1):
        whole = np.asarray(eqbrain.for_loop(build(), spikes))
        first = build()
        part = np.asarray(eqbrain.for_loop(first, spikes[:13]))
        eqbrain.save(tmp_path / "conn.safetensors", first)
        second = build()
        eqbrain.load(tmp_path / "conn.safetensors", second)
        rest = np.asarray(eqbrain.for_loop(second, spikes[13:]))
    assert np.abs(whole).sum() > 0
    np.testing.assert_array_equal(np.concatenate([part, rest]), whole)


def _copies_in_loops(hlo: str, shape: str) -> list[str]:
    """The `copy` instructions of arrays of `shape` outside the entry computation."""
    found, entry = [], False
    for line in hlo.splitlines():
        if line and not line.startswith(" "):
            entry = line.startswith("ENTRY")
        elif not entry and " copy(" in line and f" {shape}" in line:
            found.append(line.strip())
    return found


def test_the_ring_buffer_is_updated_in_place_by_a_compiled_loop():
    # A step that copied the (max_delay, n_post) buffer cost more than the whole rest of
    # the microcircuit's step; the compiled loop must read and write it where it is.
    rng = np.random.default_rng(1)
    pre, post = rng.integers(0, 50, 2000), rng.integers(0, 40, 2000)
    delay = rng.uniform(0.1, 2.0, 2000)
    conn = eqbrain.dyn.DelayConn(pre, post, 50, 40, weight=1.0, delay=delay, dt=0.1)
    spikes = jnp.asarray(rng.random((30, 50)) < 0.1)
    run = eqbrain.jit(lambda s: eqbrain.for_loop(conn, s))
    with eqbrain.share.context(dt=0.1):
        hlo = run.lower(spikes).compile().as_text()
    assert hlo is not None and "while(" in hlo
    assert _copies_in_loops(hlo, f"f32[{conn.max_delay},40]") == []


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match="scale"):
        mc.Microcircuit(0.0)
    with pytest.raises(ValueError, match="scale"):
        mc.parameters(-0.1)
    with pytest.raises(ValueError, match="delay.*at least dt"):
        eqbrain.dyn.DelayConn([0], [0], 1, 1, 1.0, 0.05, dt=0.1)
    with pytest.raises(ValueError, match="indegree=4 exceeds the 3"):
        eqbrain.dyn.fixed_indegree_pairs(3, 2, 4, np.random.default_rng(0), allow_multi_conn=False)
    with pytest.raises(ValueError, match="num=7 exceeds the 6 distinct pairs"):
        eqbrain.dyn.FixedTotalNum(3, 2, 7)
    with pytest.raises(ValueError, match="post indices"):
        eqbrain.dyn.DelayConn([0], [2], 1, 2, 1.0, 0.1, dt=0.1)
    with pytest.raises(ValueError, match="rate"):
        eqbrain.dyn.PoissonBackground(3, -1.0)
    for block in (0, 2.5, True):
        with pytest.raises(ValueError, match="block must be a positive int"):
            eqbrain.dyn.PoissonBackground(3, 1.0, block=block)  # pyright: ignore[reportArgumentType]
    conn = eqbrain.dyn.DelayConn([0], [0], 1, 1, 1.0, 0.2, dt=0.1)
    with eqbrain.share.context(dt=0.2), pytest.raises(ValueError, match="dt = 0.1"):
        conn(jnp.array([True]))
    assert int(conn.step.value) == 0 and not np.any(np.asarray(conn.buffer.value))


def test_fixed_total_num_without_repeats_and_fixed_indegree_without_self():
    conn = eqbrain.dyn.FixedTotalNum(30, 20, num=500, seed=1)
    dense = conn.to_dense()
    assert conn.n_synapses == 500 and dense.max() == 1.0 and dense.sum() == 500
    pre, post = eqbrain.dyn.fixed_indegree_pairs(
        10, 10, 4, np.random.default_rng(0), include_self=False
    )
    assert not np.any(pre == post) and np.all(np.bincount(post) == 4)


def test_iaf_psc_exp_gives_nest_psp_and_refractory_period():
    psc = mc.psc_over_psp(250.0, 10.0, 0.5)
    neu = eqbrain.dyn.IafPscExp(1, **mc.NEURON, V_initializer=-65.0)
    x = jnp.zeros((60, 1)).at[0].set(psc * 0.15)

    def step(x):
        neu(x)
        return neu.V.value[0]

    with eqbrain.share.context(dt=0.1, t=0.0):
        V = np.asarray(eqbrain.for_loop(step, x))
    assert abs(V.max() + 65.0 - 0.15) < 0.15 * 0.01  # the 0.15 mV PSP the weights assume
    neu = eqbrain.dyn.IafPscExp(1, **mc.NEURON, I_e=1000.0, V_initializer=-65.0)
    with eqbrain.share.context(dt=0.1, t=0.0):
        spikes = np.asarray(eqbrain.for_loop(lambda x: neu(x)[0], jnp.zeros((200, 1))))
    first, second = np.nonzero(spikes)[0][:2]
    # 1000 pA into 250 pF / 10 ms: V rises to E_L + 40 mV and reaches V_th (15 mV up)
    # at 10 ln(40 / 25) ms; the next spike comes t_ref = 20 steps later than that again
    steps = int(np.ceil(-10.0 * np.log(1 - 15.0 / 40.0) / 0.1))
    assert first == steps - 1
    assert second - first == steps + 20


def test_poisson_background_counts_are_poisson_and_seeded():
    rate = [500.0] * 1000 + [20000.0] * 1000  # 0.05 and 2 spikes a step
    bg = eqbrain.dyn.PoissonBackground(2000, rate, weight=2.0, seed=1, dt=0.1)

    def steps():
        with eqbrain.share.context(dt=0.1):
            return np.asarray(eqbrain.for_loop(lambda _: bg(), jnp.arange(50))) / 2.0

    x = steps()
    assert np.array_equal(x, np.round(x))  # whole counts
    for part, lam in ((x[:, :1000], 0.05), (x[:, 1000:], 2.0)):
        assert abs(part.mean() - lam) < 4 * np.sqrt(lam / part.size)
        assert abs(part.var() / lam - 1) < 0.1
    bg.reset_state()
    np.testing.assert_array_equal(x, steps())  # the key is state: a reset replays the draws


def test_poisson_background_draws_in_blocks_and_continues_exactly(tmp_path):
    # the counts of `block` steps are drawn at once and kept as state: a run cut inside
    # a block and resumed from a checkpoint, in another model, continues the same draws
    def build(seed):
        return eqbrain.dyn.PoissonBackground(300, 2e4, seed=seed, dt=0.1, block=8)

    def steps(bg, n):
        with eqbrain.share.context(dt=0.1):
            return np.asarray(eqbrain.for_loop(lambda _: bg(), jnp.arange(n)))

    whole = steps(build(4), 20)
    assert build(4).block == 8 and whole.std(axis=1).min() > 0  # every step drawn anew
    first = build(4)
    part = steps(first, 11)  # cut inside the second block
    eqbrain.save(tmp_path / "bg.safetensors", first)
    other = build(5)
    eqbrain.load(tmp_path / "bg.safetensors", other)
    np.testing.assert_array_equal(np.concatenate([part, steps(other, 9)]), whole)
    # by default a power of two of steps, at most 2**19 counts and 64 steps
    for size, block in ((10, 64), (7717, 64), (8193, 32), (77169, 4), (2**19 + 1, 1)):
        default = eqbrain.dyn.PoissonBackground(size, 1.0, dt=0.1, seed=0)
        assert default.block == block and default.counts.value.shape == (block, size)


def test_poisson_background_in_the_functional_style_under_filter_jit_and_filter_vmap():
    # the block is drawn under `lax.cond`: through eqx.filter_jit (a new model each
    # step) and eqx.filter_vmap over models of other keys (the cond then runs both
    # branches and selects) the draws are those of eqbrain.for_loop, block after block
    def build(seed):
        return eqbrain.dyn.PoissonBackground(50, 3e4, weight=1.0, seed=seed, dt=0.1, block=4)

    def step(bg):
        return bg, bg()

    def in_place(seed):
        bg = build(seed)
        return np.asarray(eqbrain.for_loop(lambda _: bg(), jnp.arange(10)))

    bg, functional = build(3), []
    for _ in range(10):  # 10 steps: two whole blocks and half a third
        bg, x = eqx.filter_jit(step)(bg)
        functional.append(np.asarray(x))
    np.testing.assert_array_equal(np.stack(functional), in_place(3))
    assert int(bg.row.value) == 10 % 4

    models = [build(s) for s in (5, 6)]
    stacked = jax.tree.map(lambda *v: jnp.stack(v), *models)
    rows = []
    for _ in range(10):
        stacked, x = eqx.filter_vmap(step)(stacked)
        rows.append(np.asarray(x))
    lanes = np.stack(rows, axis=1)  # (model, step, neuron)
    np.testing.assert_array_equal(lanes[0], in_place(5))
    np.testing.assert_array_equal(lanes[1], in_place(6))


def test_example_prints_rates_next_to_nest(capsys):
    out = mc.main(TINY, t_presim=0.0, t_sim=20.0)
    text = capsys.readouterr().out
    for name in mc.POPULATIONS:
        assert name in text
    assert "NEST 0.1" in text and out["rates"].shape == (8,)


def test_dc_background_replaces_the_poisson_mean_as_nest_computes_it():
    full = mc.parameters(1.0, poisson=False)
    w_ext = mc.psc_over_psp(250.0, 10.0, 0.5) * 0.15
    np.testing.assert_allclose(full["dc"], 8.0 * mc.K_EXT * w_ext * 0.5e-3)  # pA
    assert not np.any(full["bg_rate"])
    # scaled: the Poisson rate and weight scale, and DC makes up the lost mean input
    poisson, dc = mc.parameters(0.1), mc.parameters(0.1, poisson=False)
    assert np.all(dc["dc"] > poisson["dc"]) and np.all(poisson["dc"] > 0)
    net = mc.Microcircuit(TINY, poisson=False)
    assert net.background is None
    I_e = np.asarray(net.neurons.I_e)
    np.testing.assert_allclose(I_e[: net.bounds[1]], mc.parameters(TINY, poisson=False)["dc"][0])
