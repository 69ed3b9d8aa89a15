"""A small tour of eqbrain's main job: build a model of Variables, mutate it in place,
collect its state by path, save it, and load it into a freshly built twin."""

import equinox as eqx
import jax.numpy as jnp

import eqbrain


class Neurons(eqbrain.Module):
    V: eqbrain.Variable  # membrane potential: state, not trained
    w: eqbrain.TrainVar  # input weights: trained

    def __init__(self, n: int, name=None):
        super().__init__(name=name)
        self.V = eqbrain.Variable(jnp.zeros(n))
        self.w = eqbrain.TrainVar(jnp.ones(n))


class Net(eqbrain.Module):
    E: Neurons
    I: Neurons

    def __init__(self, name=None):
        super().__init__(name=name)
        self.E = Neurons(4)
        self.I = Neurons(2)


def main() -> None:
    net = Net()
    cell = net.E.V
    # A new value in the same cell (BrainPy's `net.E.V = ...` writes it the same way).
    net.E.V.value = jnp.arange(4.0)
    assert net.E.V is cell
    print("nodes:     ", list(net.nodes(method="relative")))
    print("vars:      ", list(net.vars()))
    print("train_vars:", list(net.train_vars()))
    try:
        net.E.V.value = jnp.zeros(5)  # another shape
    except eqbrain.MathError as e:
        print("MathError: ", e)

    state = net.state_dict()  # {'Neurons0': {'Neurons0.V': ..., ...}, ...}
    net.E.V.value = jnp.full(4, -65.0)
    result = net.load_state_dict(state)
    print("reloaded:  ", result, net.E.V.value)

    # A freshly built twin has other auto names, so load by relative path instead.
    twin = Net()
    twin.vars(method="relative").assign(net.vars(method="relative").dict())
    print(
        "twin == net:",
        bool(
            eqx.tree_equal(twin.vars(method="relative").dict(), net.vars(method="relative").dict())
        ),
    )
    print(net)


if __name__ == "__main__":
    main()
