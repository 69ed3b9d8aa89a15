"""The integrators moved to `eqbrain.dyn.integrators`; this name stays for old imports."""

from .integrators import (
    METHODS as METHODS,
    BoundIntegrator as BoundIntegrator,
    Integrator as Integrator,
    JointEq as JointEq,
    diffrax_term as diffrax_term,
    odeint as odeint,
)
