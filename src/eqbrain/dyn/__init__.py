"""Brain dynamics: `share`, dynamical systems, neurons, synapses, runner, integrators."""
