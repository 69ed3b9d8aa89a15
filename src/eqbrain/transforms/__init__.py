"""In-place transforms: `jit`, `grad`, `value_and_grad`, `scan`, `for_loop`."""

from ._grad import grad as grad, value_and_grad as value_and_grad
from ._jit import jit as jit
from ._scan import for_loop as for_loop, scan as scan
