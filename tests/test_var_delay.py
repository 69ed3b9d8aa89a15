"""`eqbrain.VarDelay`: a Variable's history read by named entries (BrainPy's `VarDelay`)."""

import jax.numpy as jnp
import numpy as np
import pytest

import eqbrain


class Counter(eqbrain.DynamicalSystem):
    """`x` holds the step index; the delay reads it back before each step writes it."""

    x: eqbrain.Variable
    delay: eqbrain.VarDelay

    def __init__(self, **entries):
        super().__init__()
        self.x = eqbrain.Variable(jnp.zeros(()))
        self.delay = eqbrain.VarDelay(self.x, entries=entries)

    def step(self, i):
        with eqbrain.share.context(t=i * 0.1, i=i, dt=0.1):
            read = {k: self.delay.at(k) for k in self.delay.entries}
            self.x.value = i.astype(jnp.float32)
            self.delay()
        return read


def test_an_entry_reads_the_value_stored_delay_ms_earlier():
    c = Counter(now=None, one_step=0.1, one_ms=1.0, longer=1.5)
    read = eqbrain.for_loop(c.step, jnp.arange(30))
    k = np.arange(30)
    np.testing.assert_array_equal(read["now"], np.maximum(k - 1, 0))  # before this step's write
    np.testing.assert_array_equal(read["one_step"], np.maximum(k - 1, 0))
    np.testing.assert_array_equal(read["one_ms"], np.where(k >= 10, k - 10, 0))
    np.testing.assert_array_equal(read["longer"], np.where(k >= 15, k - 15, 0))
    assert c.delay.history is not None and c.delay.history.max_len == 14
    assert c.delay.target is c.x  # held, not copied


def test_a_var_delay_gives_the_projections_own_delay():
    # The same spikes through `AlignPostProj(delay=1.0)`, and through a VarDelay entry
    # of 1 ms into a projection without delay (BrainPy's way): the same network.
    class Net(eqbrain.Network):
        pre: eqbrain.dyn.SpikeTimeGroup
        post: eqbrain.dyn.LifRef
        proj: eqbrain.dyn.AlignPostProj
        delay: eqbrain.VarDelay | None

        def __init__(self, var_delay: bool):
            super().__init__()
            self.pre = eqbrain.dyn.SpikeTimeGroup(4, [0, 1, 3, 2, 0], [0.3, 1.0, 1.1, 2.5, 4.0])
            self.post = eqbrain.dyn.LifRef(3, V_rest=-60.0, V_reset=-60.0, V_th=-50.0, tau=20.0,
                                       V_initializer=-60.0)  # fmt: skip
            comm = eqbrain.dyn.FixedProb(4, 3, prob=1.0, weight=0.05, seed=0)
            syn, out = eqbrain.dyn.Expon(3, tau=5.0), eqbrain.dyn.COBA(E=0.0)
            self.proj = eqbrain.dyn.AlignPostProj(comm, syn, out, delay=None if var_delay else 1.0)
            self.delay = (
                eqbrain.VarDelay(self.pre.spike, entries={"E": 1.0}) if var_delay else None
            )

        def update(self):
            spikes = self.pre.spike.value if self.delay is None else self.delay.at("E")
            current = self.proj(spikes, self.post.V.value)
            self.pre()
            if self.delay is not None:
                self.delay()
            return self.post(current)

    direct = eqbrain.run(Net(False), 10.0, monitors=["post.V"], dt=0.1)["post.V"]
    via = eqbrain.run(Net(True), 10.0, monitors=["post.V"], dt=0.1)["post.V"]
    assert np.ptp(np.asarray(direct)) > 0.1  # the spikes arrived
    np.testing.assert_array_equal(np.asarray(direct), np.asarray(via))


def test_bad_uses_say_what_to_do_and_change_nothing():
    c = Counter(one_ms=1.0)
    with pytest.raises(KeyError, match=r"no entry 'I'; its entries are \['one_ms'\]"):
        c.delay.at("I")
    with pytest.raises(TypeError, match=r"entries=\{'I': 2.0, \.\.\.\}"):
        c.delay.register_entry("I", 2.0)
    with pytest.raises(ValueError, match=r"outside this VarDelay's range \[0, 10\]"):
        c.delay.retrieve(11)
    with pytest.raises(TypeError, match="delays a Variable"):
        eqbrain.VarDelay(jnp.zeros(3))  # type: ignore[arg-type]
    assert c.delay.entries == {"one_ms": 10}
    before = np.asarray(c.delay.history.data.value)  # type: ignore[union-attr]
    with eqbrain.share.context(dt=0.05), pytest.raises(ValueError, match="built for dt = 0.1"):
        c.delay()
    np.testing.assert_array_equal(c.delay.history.data.value, before)  # type: ignore[union-attr]


def test_the_history_is_state_that_resets_and_round_trips(tmp_path):
    c = Counter(one_ms=1.0)
    eqbrain.for_loop(c.step, jnp.arange(12))
    eqbrain.save(tmp_path / "c.safetensors", c)
    fresh = Counter(one_ms=1.0)
    assert eqbrain.load(tmp_path / "c.safetensors", fresh, strict=True) == ([], [])
    np.testing.assert_array_equal(fresh.delay.history.data.value, c.delay.history.data.value)  # type: ignore[union-attr]
    c.reset_state()
    assert not np.asarray(c.delay.history.data.value).any()  # type: ignore[union-attr]


def test_under_eqx_filter_jit_reads_match_and_a_returned_model_carries_the_write():
    import equinox as eqx

    c = Counter(one_ms=1.0)
    eqbrain.for_loop(c.step, jnp.arange(12))
    head = int(c.delay.history.head.value)  # type: ignore[union-attr]
    read = eqx.filter_jit(lambda m: m.delay.at("one_ms"))(c)
    assert float(read) == float(c.delay.at("one_ms")) == 2.0  # stored 10 steps before

    def store(m):
        with eqbrain.share.context(dt=0.1):
            m.x.value = jnp.float32(99.0)
            m.delay(m.x.value)  # the functional style passes the value in
        return m

    new = eqx.filter_jit(store)(c)  # Equinox's style: the new model comes back
    assert int(new.delay.history.head.value) == (head - 1) % 10
    assert float(new.delay.history.retrieve(0)) == 99.0
    assert int(c.delay.history.head.value) == head  # type: ignore[union-attr]
    # As the docstring says: the round trip gave the target a cell of its own (as it
    # does any Variable held twice), which is why the value is passed in above.
    assert new.delay.target is not new.x
