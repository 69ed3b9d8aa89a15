"""eqbrain: BrainPy's object API on Equinox's immutable pytree modules.

The top level holds the object model (`Module`, `Variable`, collectors, containers), the
in-place transforms (`jit`, `grad`, `for_loop`, ...), what runs a model (`DSRunner`,
`odeint`, delays, `share`) and checkpoints. Models and tools live in BrainPy's
namespaces: `eqbrain.dyn` (`bp.dyn`), `eqbrain.analysis`, `eqbrain.inputs`, `eqbrain.init`,
`eqbrain.losses`, `eqbrain.measure`, `eqbrain.optim`, `eqbrain.plot`
(`eqbrain.visualize`), `eqbrain.random` and `eqbrain.surrogate`. `eqbrain.internal` is
the unstable extension API.
"""

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError, version as _version

from . import (
    analysis as analysis,
    dyn as dyn,
    init as init,
    inputs as inputs,
    io as io,
    losses as losses,
    measure as measure,
    optim as optim,
    plot as plot,
    random as random,
    surrogate as surrogate,
)
from ._core import (
    ArrayCollector as ArrayCollector,
    BrainPyObject as BrainPyObject,
    Collector as Collector,
    Module as Module,
    NodeDict as NodeDict,
    NodeList as NodeList,
    Parameter as Parameter,
    StateLoadResult as StateLoadResult,
    TensorCollector as TensorCollector,
    TrainVar as TrainVar,
    VarDict as VarDict,
    Variable as Variable,
    VariableView as VariableView,
    VarList as VarList,
    clear_name_cache as clear_name_cache,
    is_trainable as is_trainable,
    is_variable as is_variable,
    node_dict as node_dict,
    node_list as node_list,
    partition_trainable as partition_trainable,
    shard as shard,
    trainable_filter as trainable_filter,
    var_dict as var_dict,
    var_list as var_list,
)
from ._deprecated import moved_names as _moved_names
from ._errors import (
    DiffEqError as DiffEqError,
    MathError as MathError,
    TraceLeakError as TraceLeakError,
    UniqueNameError as UniqueNameError,
)
from ._transforms import (
    FunAsObject as FunAsObject,
    ObjectTransform as ObjectTransform,
    Partial as Partial,
    ProgressBar as ProgressBar,
    cls_jit as cls_jit,
    cond as cond,
    for_loop as for_loop,
    function as function,
    grad as grad,
    hessian as hessian,
    ifelse as ifelse,
    jacfwd as jacfwd,
    jacobian as jacobian,
    jacrev as jacrev,
    jit as jit,
    scan as scan,
    to_object as to_object,
    value_and_grad as value_and_grad,
    vector_grad as vector_grad,
    while_loop as while_loop,
)
from .dyn import (
    DSRunner as DSRunner,
    DynamicalSystem as DynamicalSystem,
    DynSysGroup as DynSysGroup,
    LengthDelay as LengthDelay,
    MonitorError as MonitorError,
    Monitors as Monitors,
    Network as Network,
    Runner as Runner,
    RunningError as RunningError,
    SparseSpikes as SparseSpikes,
    VarDelay as VarDelay,
    exprel as exprel,
    get_dt as get_dt,
    run as run,
    set_dt as set_dt,
    share as share,
)
from .dyn.integrators import (
    BoundIntegrator as BoundIntegrator,
    JointEq as JointEq,
    ODEIntegrator as ODEIntegrator,
    diffrax_term as diffrax_term,
    odeint as odeint,
)
from .io import (
    BrainPyFormatError as BrainPyFormatError,
    CheckpointError as CheckpointError,
    Summary as Summary,
    load as load,
    load_brainpy as load_brainpy,
    load_orbax as load_orbax,
    read_brainpy as read_brainpy,
    read_metadata as read_metadata,
    read_state as read_state,
    save as save,
    save_orbax as save_orbax,
    summary as summary,
)
from .optim import clip_by_norm as clip_by_norm

visualize = plot  # BrainPy's `bp.visualize`

try:
    __version__ = _version("eqbrain")
except _PackageNotFoundError:  # pragma: no cover - run from a source tree, not installed
    __version__ = "0+unknown"

__all__ = [
    "ArrayCollector",
    "BoundIntegrator",
    "BrainPyFormatError",
    "BrainPyObject",
    "CheckpointError",
    "Collector",
    "DSRunner",
    "DiffEqError",
    "DynSysGroup",
    "DynamicalSystem",
    "FunAsObject",
    "JointEq",
    "LengthDelay",
    "MathError",
    "Module",
    "MonitorError",
    "Monitors",
    "Network",
    "NodeDict",
    "NodeList",
    "ODEIntegrator",
    "ObjectTransform",
    "Parameter",
    "Partial",
    "ProgressBar",
    "Runner",
    "RunningError",
    "SparseSpikes",
    "StateLoadResult",
    "Summary",
    "TensorCollector",
    "TraceLeakError",
    "TrainVar",
    "UniqueNameError",
    "VarDelay",
    "VarDict",
    "VarList",
    "Variable",
    "VariableView",
    "analysis",
    "clear_name_cache",
    "clip_by_norm",
    "cls_jit",
    "cond",
    "diffrax_term",
    "dyn",
    "exprel",
    "for_loop",
    "function",
    "get_dt",
    "grad",
    "hessian",
    "ifelse",
    "init",
    "inputs",
    "io",
    "is_trainable",
    "is_variable",
    "jacfwd",
    "jacobian",
    "jacrev",
    "jit",
    "load",
    "load_brainpy",
    "load_orbax",
    "losses",
    "measure",
    "node_dict",
    "node_list",
    "odeint",
    "optim",
    "partition_trainable",
    "plot",
    "random",
    "read_brainpy",
    "read_metadata",
    "read_state",
    "run",
    "save",
    "save_orbax",
    "scan",
    "set_dt",
    "shard",
    "share",
    "summary",
    "surrogate",
    "to_object",
    "trainable_filter",
    "value_and_grad",
    "var_dict",
    "var_list",
    "vector_grad",
    "visualize",
    "while_loop",
]

_MOVED_TO_DYN = (
    "AMPA AdEx AdExIF AdExIFRef AdQuaIF AdQuaIFRef AlignPostProj All2All Alpha COBA "
    "CSRConn CUBA DualExpon DualExponV2 ExpIF ExpIFRef Expon FHN FixedPostNum FixedPreNum "
    "FixedProb FullProjAlignPost FullProjAlignPre FullProjAlignPreDS GABAa Gif GifRef HH IF "
    "IJConn Izhikevich IzhikevichRef LIF Lif LifRef MgBlock MorrisLecar NMDA OUProcess "
    "One2One PoissonGroup PoissonInput QuaIF QuaIFRef RNNCell Reservoir STD STP SparseConn "
    "SpikeTimeGroup"
).split()
_MOVED_TO_INPUTS = (
    "constant_input ou_process ramp_input section_input sinusoidal_input spike_input "
    "square_input wiener_process"
).split()
_MOVED_TO_PLOT = ("animate_1D", "animate_2D", "line_plot", "raster_plot")

__getattr__ = _moved_names(
    __name__,
    {
        **{n: f"eqbrain.dyn.{n}" for n in _MOVED_TO_DYN},
        **{n: f"eqbrain.inputs.{n}" for n in _MOVED_TO_INPUTS},
        **{n: f"eqbrain.plot.{n}" for n in _MOVED_TO_PLOT},
        "Integrator": "eqbrain.ODEIntegrator",
        "RandomState": "eqbrain.random.RandomState",
    },
    shims=("core", "transforms"),
)
