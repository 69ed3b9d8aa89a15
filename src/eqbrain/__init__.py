"""eqbrain: BrainPy's object API on Equinox's immutable pytree modules."""

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError, version as _version

from . import dyn as dyn, optim as optim
from ._core._collector import ArrayCollector as ArrayCollector, Collector as Collector
from ._core._containers import (
    NodeDict as NodeDict,
    NodeList as NodeList,
    VarDict as VarDict,
    VarList as VarList,
)
from ._core._filters import (
    partition_trainable as partition_trainable,
    trainable_filter as trainable_filter,
)
from ._core._module import BrainPyObject as BrainPyObject, Module as Module
from ._core._naming import clear_name_cache as clear_name_cache
from ._core._sharding import shard as shard
from ._core._state import StateLoadResult as StateLoadResult
from ._core._variable import (
    Parameter as Parameter,
    TrainVar as TrainVar,
    Variable as Variable,
    is_trainable as is_trainable,
    is_variable as is_variable,
)
from ._core._view import VariableView as VariableView
from ._errors import (
    DiffEqError as DiffEqError,
    MathError as MathError,
    TraceLeakError as TraceLeakError,
    UniqueNameError as UniqueNameError,
)
from .dyn._connect import (
    All2All as All2All,
    CSRConn as CSRConn,
    FixedPostNum as FixedPostNum,
    FixedPreNum as FixedPreNum,
    IJConn as IJConn,
    One2One as One2One,
    SparseConn as SparseConn,
)
from .dyn._delay import LengthDelay as LengthDelay
from .dyn._dynsys import (
    DynamicalSystem as DynamicalSystem,
    DynSysGroup as DynSysGroup,
    Network as Network,
)
from .dyn._expon import Expon as Expon
from .dyn._exprel import exprel as exprel
from .dyn._fixedprob import FixedProb as FixedProb
from .dyn._full_projection import (
    FullProjAlignPost as FullProjAlignPost,
    FullProjAlignPre as FullProjAlignPre,
    FullProjAlignPreDS as FullProjAlignPreDS,
)
from .dyn._lif import LIF as LIF
from .dyn._poisson import PoissonGroup as PoissonGroup
from .dyn._projection import AlignPostProj as AlignPostProj
from .dyn._share import get_dt as get_dt, set_dt as set_dt, share as share
from .dyn._synout import COBA as COBA, CUBA as CUBA
from .dyn._var_delay import VarDelay as VarDelay

# -- end of models ----------------------------------------------------------------------
# -- integrators (BrainPy's brainpy.integrators.ode) ----------------------------------
from .dyn.integrators import (
    BoundIntegrator as BoundIntegrator,
    Integrator as Integrator,
    JointEq as JointEq,
    diffrax_term as diffrax_term,
    odeint as odeint,
)

# -- models: neurons, rate models, synapses and outputs (issue 11) ----------------------
from .dyn.neurons import (
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
    QuaIF as QuaIF,
    QuaIFRef as QuaIFRef,
    Reservoir as Reservoir,
    RNNCell as RNNCell,
)
from .dyn.synapses import (
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
from .io._brainpy import (
    BrainPyFormatError as BrainPyFormatError,
    load_brainpy as load_brainpy,
    read_brainpy as read_brainpy,
)
from .io._checkpoint import (
    CheckpointError as CheckpointError,
    load as load,
    read_metadata as read_metadata,
    read_state as read_state,
    save as save,
)
from .io._orbax import load_orbax as load_orbax, save_orbax as save_orbax
from .io._summary import Summary as Summary, summary as summary
from .optim._clip import clip_by_norm as clip_by_norm  # optim block (BrainPy's bm.clip_by_norm)

# isort: split
# -- in-place transforms and BrainPy parity (the `parity` branch, issue 10) -------------
from ._core._collector import TensorCollector as TensorCollector
from ._core._containers import (
    node_dict as node_dict,
    node_list as node_list,
    var_dict as var_dict,
    var_list as var_list,
)
from ._transforms._control import cond as cond, ifelse as ifelse, while_loop as while_loop
from ._transforms._function import (
    FunAsObject as FunAsObject,
    ObjectTransform as ObjectTransform,
    Partial as Partial,
    function as function,
    to_object as to_object,
)
from ._transforms._grad import grad as grad, value_and_grad as value_and_grad
from ._transforms._jacobian import (
    hessian as hessian,
    jacfwd as jacfwd,
    jacobian as jacobian,
    jacrev as jacrev,
    vector_grad as vector_grad,
)
from ._transforms._jit import cls_jit as cls_jit, jit as jit
from ._transforms._progress import ProgressBar as ProgressBar
from ._transforms._scan import for_loop as for_loop, scan as scan

# -- end of the transforms block --------------------------------------------------------

# -- toolbox: randomness, initializers, losses, surrogate gradients, measures ----------
# isort: split
from . import (
    init as init,
    losses as losses,
    measure as measure,
    random as random,
    surrogate as surrogate,
)
from .random import RandomState as RandomState

# -- end toolbox ------------------------------------------------------------------------

# isort: split
# -- running, monitoring, inputs and plots (BrainPy's DSRunner, bp.inputs, bp.visualize) --
from . import plot as plot
from .dyn import inputs as inputs
from .dyn.inputs import (
    PoissonInput as PoissonInput,
    SpikeTimeGroup as SpikeTimeGroup,
    constant_input as constant_input,
    ou_process as ou_process,
    ramp_input as ramp_input,
    section_input as section_input,
    sinusoidal_input as sinusoidal_input,
    spike_input as spike_input,
    square_input as square_input,
    wiener_process as wiener_process,
)
from .dyn.runner import (
    DSRunner as DSRunner,
    MonitorError as MonitorError,
    Monitors as Monitors,
    Runner as Runner,
    RunningError as RunningError,
    SparseSpikes as SparseSpikes,
    run as run,
)
from .plot import (
    animate_1D as animate_1D,
    animate_2D as animate_2D,
    line_plot as line_plot,
    raster_plot as raster_plot,
)

visualize = plot  # BrainPy's `bp.visualize`
# -- end of the runner block --

try:
    __version__ = _version("eqbrain")
except _PackageNotFoundError:  # pragma: no cover - run from a source tree, not installed
    __version__ = "0+unknown"
