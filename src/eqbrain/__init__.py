"""eqbrain: BrainPy's object API on Equinox's immutable pytree modules."""

from . import optim as optim
from ._brainpy import (
    BrainPyFormatError as BrainPyFormatError,
    load_brainpy as load_brainpy,
    read_brainpy as read_brainpy,
)
from ._checkpoint import (
    CheckpointError as CheckpointError,
    load as load,
    read_metadata as read_metadata,
    read_state as read_state,
    save as save,
)
from ._collector import ArrayCollector as ArrayCollector, Collector as Collector
from ._containers import (
    NodeDict as NodeDict,
    NodeList as NodeList,
    VarDict as VarDict,
    VarList as VarList,
)
from ._context import get_dt as get_dt, set_dt as set_dt, share as share
from ._dynsys import (
    DynamicalSystem as DynamicalSystem,
    DynSysGroup as DynSysGroup,
    Network as Network,
)
from ._errors import (
    MathError as MathError,
    TraceLeakError as TraceLeakError,
    UniqueNameError as UniqueNameError,
)
from ._expon import Expon as Expon
from ._filters import (
    partition_trainable as partition_trainable,
    trainable_filter as trainable_filter,
)
from ._fixedprob import FixedProb as FixedProb
from ._grad import grad as grad, value_and_grad as value_and_grad
from ._integrator import (
    Integrator as Integrator,
    diffrax_term as diffrax_term,
    odeint as odeint,
)
from ._jit import jit as jit
from ._lif import LIF as LIF
from ._module import BrainPyObject as BrainPyObject, Module as Module
from ._naming import clear_name_cache as clear_name_cache
from ._orbax import load_orbax as load_orbax, save_orbax as save_orbax
from ._poisson import PoissonGroup as PoissonGroup
from ._projection import AlignPostProj as AlignPostProj
from ._runner import Runner as Runner, run as run
from ._scan import for_loop as for_loop, scan as scan
from ._sharding import shard as shard
from ._state import StateLoadResult as StateLoadResult
from ._summary import Summary as Summary, summary as summary
from ._synout import COBA as COBA, CUBA as CUBA
from ._variable import (
    Parameter as Parameter,
    TrainVar as TrainVar,
    Variable as Variable,
    is_trainable as is_trainable,
    is_variable as is_variable,
)

__version__ = "0.1.0"
