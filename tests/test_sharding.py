"""eqbrain.shard on 8 host CPU devices (run in a subprocess with forced device count)."""

import os
import subprocess
import sys
import textwrap

import jax
import jax.numpy as jnp
import pytest

import eqbrain

_SCRIPT = textwrap.dedent(
    """
    import jax, jax.numpy as jnp, numpy as np
    from jax.sharding import NamedSharding, PartitionSpec as P
    import eqbrain

    assert len(jax.devices()) == 8, jax.devices()
    mesh = jax.make_mesh((8,), ("data",))

    class Model(eqbrain.Module):
        w: eqbrain.TrainVar
        b: eqbrain.TrainVar
        act: eqbrain.Variable

        def __init__(self):
            super().__init__()
            self.w = eqbrain.TrainVar(jnp.zeros((4,)))
            self.b = eqbrain.TrainVar(jnp.zeros(()))
            self.act = eqbrain.Variable(jnp.zeros((16,)), axis_names=("batch",))

        def loss(self, x, y):
            pred = x @ self.w.value + self.b.value
            self.act.value = pred
            return jnp.mean((pred - y) ** 2)

    model = Model()
    eqbrain.shard(model, mesh, {"batch": "data"})
    batch = NamedSharding(mesh, P("data"))
    assert model.act.value.sharding.is_equivalent_to(batch, 1)
    assert model.w.value.sharding.is_equivalent_to(NamedSharding(mesh, P()), 1)
    assert len(model.act.value.addressable_shards) == 8
    assert model.act.value.addressable_shards[0].data.shape == (2,)

    true_w = jnp.arange(4.0)
    x = jax.device_put(jax.random.normal(jax.random.key(0), (16, 4)), batch)
    y = jax.device_put(x @ true_w + 1.0, batch)
    grad = eqbrain.grad(model.loss, grad_vars=model.train_vars(), return_value=True)

    @eqbrain.jit
    def train_step(x, y):
        grads, loss = grad(x, y)
        for k, v in model.train_vars().items():
            v.value = v.value - 0.1 * grads[k]
        return loss

    losses = [float(train_step(x, y)) for _ in range(200)]
    assert losses[-1] < 1e-3 * losses[0], losses[::50]
    np.testing.assert_allclose(model.w.value, true_w, atol=1e-2)
    # jit keeps the shardings: the activations stay split over the 8 devices.
    assert model.act.value.sharding.is_equivalent_to(batch, 1), model.act.value.sharding
    assert model.w.value.sharding.is_fully_replicated
    hlo = train_step.lower(x, y).compile().as_text()
    assert "all-reduce" in hlo  # data parallel: gradients are summed across devices
    print("OK")
    """
)


def test_data_parallel_training_on_8_devices(tmp_path):
    script = tmp_path / "shard8.py"
    script.write_text(_SCRIPT)
    env = {"XLA_FLAGS": "--xla_force_host_platform_device_count=8", "JAX_PLATFORMS": "cpu"}

    proc = subprocess.run(
        [sys.executable, str(script)],
        env={**os.environ, **env, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert proc.stdout.strip().endswith("OK")


def test_shard_rules_errors_and_replication():
    mesh = jax.make_mesh((1,), ("data",))
    v = eqbrain.Variable(jnp.zeros((2, 3)), axis_names=("batch", None))
    eqbrain.shard([v], mesh, {"batch": "data"})
    sharding = v.value.sharding
    assert isinstance(sharding, jax.sharding.NamedSharding)
    assert sharding.spec == jax.sharding.PartitionSpec("data", None)
    eqbrain.shard([v], mesh)  # no rules, "batch" is no mesh axis: replicated
    sharding = v.value.sharding
    assert isinstance(sharding, jax.sharding.NamedSharding)
    assert sharding.spec == jax.sharding.PartitionSpec(None, None)
    with pytest.raises(ValueError, match=r"mesh axis 'model'.*Fix `rules`"):
        eqbrain.shard([v], mesh, {"batch": "model"})
