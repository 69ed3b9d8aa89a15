"""BrainPy's ODE integrators (`odeint`, `JointEq`) on Equinox; see README.md here."""

from ._diffrax import diffrax_term as diffrax_term
from ._integrator import (
    BoundIntegrator as BoundIntegrator,
    ODEIntegrator as ODEIntegrator,
    odeint as odeint,
)
from ._joint_eq import JointEq as JointEq
from ._sde import (
    ITO_SDE as ITO_SDE,
    SCALAR_WIENER as SCALAR_WIENER,
    STRA_SDE as STRA_SDE,
    VECTOR_WIENER as VECTOR_WIENER,
    SDEIntegrator as SDEIntegrator,
    sdeint as sdeint,
)

__all__ = [
    "ITO_SDE",
    "SCALAR_WIENER",
    "STRA_SDE",
    "VECTOR_WIENER",
    "BoundIntegrator",
    "JointEq",
    "ODEIntegrator",
    "SDEIntegrator",
    "diffrax_term",
    "odeint",
    "sdeint",
]
