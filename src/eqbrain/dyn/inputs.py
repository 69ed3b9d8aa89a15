"""Deprecated: input currents are `eqbrain.inputs`; input populations are in
`eqbrain.dyn`."""

from .._deprecated import moved_names

_CURRENTS = (
    "constant_input ou_process ramp_current ramp_input section_input sinusoidal_input "
    "spike_current spike_input square_input wiener_process"
).split()

__all__: list[str] = []
__getattr__ = moved_names(
    __name__,
    {
        **{n: f"eqbrain.inputs.{n}" for n in _CURRENTS},
        "PoissonInput": "eqbrain.dyn.PoissonInput",
        "SpikeTimeGroup": "eqbrain.dyn.SpikeTimeGroup",
    },
)
