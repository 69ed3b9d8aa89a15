"""Property-based testing for eqbrain models: hypothesis strategies for Variables and
models, and assertions to call in your own tests. Needs hypothesis and pytest
(`pip install 'eqbrain[testing]'`); nothing else in eqbrain imports this namespace.

```python
from hypothesis import given
from eqbrain.testing import assert_round_trip, build, model_specs

@given(model_specs())
def test_every_round_trip(spec):
    assert_round_trip(build(spec))
```
"""

try:  # both are optional dependencies of eqbrain: a clear message when one is missing
    import hypothesis as _hypothesis  # noqa: F401
    import pytest as _pytest  # noqa: F401
except ImportError as _e:  # pragma: no cover - depends on the environment
    raise ImportError(
        f"eqbrain.testing needs hypothesis and pytest ({_e.name} is missing): install "
        "them with `pip install 'eqbrain[testing]'`."
    ) from _e

from .._core import name_scope as name_scope
from ._assertions import (
    CHECKS as CHECKS,
    assert_round_trip as assert_round_trip,
    assert_unchanged as assert_unchanged,
    load_values as load_values,
    values_of as values_of,
)
from ._build import build as build
from ._fixtures import fresh_names as fresh_names
from ._strategies import (
    arrays as arrays,
    jax_dtypes as jax_dtypes,
    model_specs as model_specs,
    models as models,
    values_for as values_for,
    variables as variables,
)

__all__ = [
    "CHECKS",
    "arrays",
    "assert_round_trip",
    "assert_unchanged",
    "build",
    "fresh_names",
    "jax_dtypes",
    "load_values",
    "model_specs",
    "models",
    "name_scope",
    "values_for",
    "values_of",
    "variables",
]
