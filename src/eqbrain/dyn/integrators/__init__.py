"""BrainPy's ODE integrators (`odeint`, `JointEq`) on Equinox; see README.md here."""

from ._diffrax import diffrax_term as diffrax_term
from ._integrator import (
    METHODS as METHODS,
    BoundIntegrator as BoundIntegrator,
    Integrator as Integrator,
    odeint as odeint,
)
from ._joint_eq import JointEq as JointEq
from ._tableaus import ButcherTableau as ButcherTableau
