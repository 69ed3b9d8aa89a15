"""The dynamics layer (BrainPy's `bp.dyn`): dynamical systems, neurons, synapses,
projections, connectivity, integrators and the runner."""

from ._connect import (
    All2All as All2All,
    CSRConn as CSRConn,
    FixedPostNum as FixedPostNum,
    FixedPreNum as FixedPreNum,
    IJConn as IJConn,
    One2One as One2One,
    SparseConn as SparseConn,
)
from ._delay import LengthDelay as LengthDelay
from ._dynsys import (
    DynamicalSystem as DynamicalSystem,
    DynSysGroup as DynSysGroup,
    Network as Network,
)
from ._expon import Expon as Expon
from ._exprel import exprel as exprel
from ._fixedprob import FixedProb as FixedProb
from ._full_projection import (
    FullProjAlignPost as FullProjAlignPost,
    FullProjAlignPre as FullProjAlignPre,
    FullProjAlignPreDS as FullProjAlignPreDS,
)
from ._integrator import (
    Integrator as Integrator,
    diffrax_term as diffrax_term,
    odeint as odeint,
)
from ._lif import LIF as LIF
from ._poisson import PoissonGroup as PoissonGroup
from ._projection import AlignPostProj as AlignPostProj
from ._share import get_dt as get_dt, set_dt as set_dt, share as share
from ._synout import COBA as COBA, CUBA as CUBA
from ._var_delay import VarDelay as VarDelay

# -- models: neurons, rate models, synapses and outputs (BrainPy 2.x's) ----------------
from .neurons import (
    FHN as FHN,
    HH as HH,
    IF as IF,
    AdEx as AdEx,
    AdExIF as AdExIF,
    AdExIFRef as AdExIFRef,
    AdQuaIF as AdQuaIF,
    AdQuaIFRef as AdQuaIFRef,
    ExpIF as ExpIF,
    ExpIFRef as ExpIFRef,
    Gif as Gif,
    GifRef as GifRef,
    Izhikevich as Izhikevich,
    IzhikevichRef as IzhikevichRef,
    Lif as Lif,
    LifRef as LifRef,
    MorrisLecar as MorrisLecar,
    OUProcess as OUProcess,
    Population as Population,
    QuaIF as QuaIF,
    QuaIFRef as QuaIFRef,
    Reservoir as Reservoir,
    RNNCell as RNNCell,
    SpikingNeuron as SpikingNeuron,
)
from .runner import Runner as Runner, run as run
from .synapses import (
    AMPA as AMPA,
    NMDA as NMDA,
    STD as STD,
    STP as STP,
    Alpha as Alpha,
    DualExpon as DualExpon,
    DualExponV2 as DualExponV2,
    GABAa as GABAa,
    MgBlock as MgBlock,
)
