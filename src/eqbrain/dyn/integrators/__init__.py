"""BrainPy's ODE integrators (`odeint`, `JointEq`) on Equinox; see README.md here."""

from ._diffrax import diffrax_term as diffrax_term
from ._integrator import (
    BoundIntegrator as BoundIntegrator,
    ODEIntegrator as ODEIntegrator,
    odeint as odeint,
)
from ._joint_eq import JointEq as JointEq

__all__ = [
    "BoundIntegrator",
    "JointEq",
    "ODEIntegrator",
    "diffrax_term",
    "odeint",
]
