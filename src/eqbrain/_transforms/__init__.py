"""In-place transforms: `jit`, `grad` and the Jacobian family, loops and control flow.

Beside the public transforms, domains use `Bar` and `as_progress_bar` (the runner: the
one progress bar, fed from inside compiled loops) and `note_read` with
`open_recordings` (a context such as `eqbrain.share`: values a compiled function reads
from it and compiles in).
"""

from ._control import cond as cond, ifelse as ifelse, while_loop as while_loop
from ._function import (
    FunAsObject as FunAsObject,
    ObjectTransform as ObjectTransform,
    Partial as Partial,
    function as function,
    to_object as to_object,
)
from ._grad import grad as grad, value_and_grad as value_and_grad
from ._jacobian import (
    hessian as hessian,
    jacfwd as jacfwd,
    jacobian as jacobian,
    jacrev as jacrev,
    vector_grad as vector_grad,
)
from ._jit import cls_jit as cls_jit, jit as jit
from ._progress import (
    Bar as Bar,
    ProgressBar as ProgressBar,
    as_progress_bar as as_progress_bar,
)
from ._reads import note_read as note_read, open_recordings as open_recordings
from ._scan import for_loop as for_loop, scan as scan
