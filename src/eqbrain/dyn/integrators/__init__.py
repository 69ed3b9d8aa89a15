"""BrainPy's integrators on Equinox: ODEs (`odeint`, `JointEq`), SDEs (`sdeint`), fractional
(`fdeint`) and delay (`ddeint`, `TimeDelay`) equations; see README.md
here."""

from ._dde import (
    DDEIntegrator as DDEIntegrator,
    NeuTimeDelay as NeuTimeDelay,
    TimeDelay as TimeDelay,
    ddeint as ddeint,
)
from ._diffrax import diffrax_term as diffrax_term
from ._fde import (
    CaputoEuler as CaputoEuler,
    CaputoL1Schema as CaputoL1Schema,
    FDEIntegrator as FDEIntegrator,
    GLShortMemory as GLShortMemory,
    fdeint as fdeint,
)
from ._integrator import (
    BoundIntegrator as BoundIntegrator,
    ODEIntegrator as ODEIntegrator,
)
from ._joint_eq import JointEq as JointEq
from ._odeint import odeint as odeint
from ._sde import (
    ITO_SDE as ITO_SDE,
    SCALAR_WIENER as SCALAR_WIENER,
    STRA_SDE as STRA_SDE,
    VECTOR_WIENER as VECTOR_WIENER,
    SDEIntegrator as SDEIntegrator,
    sdeint as sdeint,
)

__all__ = [
    "BoundIntegrator",
    "CaputoEuler",
    "CaputoL1Schema",
    "DDEIntegrator",
    "FDEIntegrator",
    "GLShortMemory",
    "ITO_SDE",
    "JointEq",
    "NeuTimeDelay",
    "ODEIntegrator",
    "SCALAR_WIENER",
    "SDEIntegrator",
    "STRA_SDE",
    "TimeDelay",
    "VECTOR_WIENER",
    "ddeint",
    "diffrax_term",
    "fdeint",
    "odeint",
    "sdeint",
]
