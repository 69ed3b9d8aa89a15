"""eqbrain: BrainPy's object API on Equinox's immutable pytree modules."""

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError, version as _version

from . import optim as optim
from ._errors import (
    MathError as MathError,
    TraceLeakError as TraceLeakError,
    UniqueNameError as UniqueNameError,
)
from .core._collector import ArrayCollector as ArrayCollector, Collector as Collector
from .core._containers import (
    NodeDict as NodeDict,
    NodeList as NodeList,
    VarDict as VarDict,
    VarList as VarList,
)
from .core._filters import (
    partition_trainable as partition_trainable,
    trainable_filter as trainable_filter,
)
from .core._module import BrainPyObject as BrainPyObject, Module as Module
from .core._naming import clear_name_cache as clear_name_cache
from .core._sharding import shard as shard
from .core._state import StateLoadResult as StateLoadResult
from .core._variable import (
    Parameter as Parameter,
    TrainVar as TrainVar,
    Variable as Variable,
    is_trainable as is_trainable,
    is_variable as is_variable,
)
from .dyn._dynsys import (
    DynamicalSystem as DynamicalSystem,
    DynSysGroup as DynSysGroup,
    Network as Network,
)
from .dyn._expon import Expon as Expon
from .dyn._fixedprob import FixedProb as FixedProb
from .dyn._integrator import (
    Integrator as Integrator,
    diffrax_term as diffrax_term,
    odeint as odeint,
)
from .dyn._lif import LIF as LIF
from .dyn._poisson import PoissonGroup as PoissonGroup
from .dyn._projection import AlignPostProj as AlignPostProj
from .dyn._share import get_dt as get_dt, set_dt as set_dt, share as share
from .dyn._synout import COBA as COBA, CUBA as CUBA
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
from .transforms._grad import grad as grad, value_and_grad as value_and_grad
from .transforms._jit import jit as jit
from .transforms._scan import for_loop as for_loop, scan as scan

# isort: split
# -- running, monitoring, inputs and plots (BrainPy's DSRunner, bp.inputs, bp.visualize) --
from . import plot as plot
from .dyn import inputs as inputs
from .dyn.inputs import (
    PoissonInput as PoissonInput,
    SpikeTimeGroup as SpikeTimeGroup,
    constant_input as constant_input,
    ramp_input as ramp_input,
    section_input as section_input,
    spike_input as spike_input,
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
