"""Brain dynamics, laid out as BrainPy's `bp.dyn`: dynamical systems, neurons, synapses,
synaptic outputs, projections and connectivity, input populations, delays and the runner.

```python
import eqbrain

neu = eqbrain.dyn.LifRef(100, V_rest=-60.0, V_th=-50.0, V_reset=-60.0, tau=20.0)
syn = eqbrain.dyn.Expon(100, tau=5.0)
```
"""

from .._deprecated import moved_names as _moved_names
from ._dynsys import (
    DynamicalSystem as DynamicalSystem,
    DynSysGroup as DynSysGroup,
    Network as Network,
)
from ._exprel import exprel as exprel
from ._lif import LIF as LIF
from ._share import get_dt as get_dt, set_dt as set_dt, share as share
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
from .others import (
    LengthDelay as LengthDelay,
    PoissonGroup as PoissonGroup,
    PoissonInput as PoissonInput,
    SpikeTimeGroup as SpikeTimeGroup,
    VarDelay as VarDelay,
)
from .outs import COBA as COBA, CUBA as CUBA, MgBlock as MgBlock
from .projections import (
    AlignPostProj as AlignPostProj,
    All2All as All2All,
    CSRConn as CSRConn,
    FixedPostNum as FixedPostNum,
    FixedPreNum as FixedPreNum,
    FixedProb as FixedProb,
    FullProjAlignPost as FullProjAlignPost,
    FullProjAlignPre as FullProjAlignPre,
    FullProjAlignPreDS as FullProjAlignPreDS,
    IJConn as IJConn,
    One2One as One2One,
    SparseConn as SparseConn,
)
from .runner import (
    DSRunner as DSRunner,
    MonitorError as MonitorError,
    Monitors as Monitors,
    Runner as Runner,
    RunningError as RunningError,
    SparseSpikes as SparseSpikes,
    run as run,
)
from .synapses import (
    AMPA as AMPA,
    NMDA as NMDA,
    STD as STD,
    STP as STP,
    Alpha as Alpha,
    DualExpon as DualExpon,
    DualExponV2 as DualExponV2,
    Expon as Expon,
    GABAa as GABAa,
)

__all__ = [
    "AMPA",
    "AdEx",
    "AdExIF",
    "AdExIFRef",
    "AdQuaIF",
    "AdQuaIFRef",
    "AlignPostProj",
    "All2All",
    "Alpha",
    "COBA",
    "CSRConn",
    "CUBA",
    "DSRunner",
    "DualExpon",
    "DualExponV2",
    "DynSysGroup",
    "DynamicalSystem",
    "ExpIF",
    "ExpIFRef",
    "Expon",
    "FHN",
    "FixedPostNum",
    "FixedPreNum",
    "FixedProb",
    "FullProjAlignPost",
    "FullProjAlignPre",
    "FullProjAlignPreDS",
    "GABAa",
    "Gif",
    "GifRef",
    "HH",
    "IF",
    "IJConn",
    "Izhikevich",
    "IzhikevichRef",
    "LIF",
    "LengthDelay",
    "Lif",
    "LifRef",
    "MgBlock",
    "MonitorError",
    "Monitors",
    "MorrisLecar",
    "NMDA",
    "Network",
    "OUProcess",
    "One2One",
    "PoissonGroup",
    "PoissonInput",
    "Population",
    "QuaIF",
    "QuaIFRef",
    "RNNCell",
    "Reservoir",
    "Runner",
    "RunningError",
    "STD",
    "STP",
    "SparseConn",
    "SparseSpikes",
    "SpikeTimeGroup",
    "SpikingNeuron",
    "VarDelay",
    "exprel",
    "get_dt",
    "run",
    "set_dt",
    "share",
]

__getattr__ = _moved_names(
    __name__,
    {
        "Integrator": "eqbrain.ODEIntegrator",
        "odeint": "eqbrain.odeint",
        "diffrax_term": "eqbrain.diffrax_term",
    },
)
