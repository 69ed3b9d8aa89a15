"""`eqbrain.random`: BrainPy's `bm.random`, on `jax.random`, with explicit seeding.

The functions draw from a default `RandomState` (`eqbrain.random.DEFAULT`), whose key
is a Variable split once per draw; `eqbrain.random.seed(42)` makes them reproducible,
and everything built without its own seed (connectivity, initial values, noise keys).
It may be used first anywhere, in any thread; `eqbrain.jit`, `for_loop` and the runner
carry its key, while inside plain `jax.jit`/`jax.vmap` a draw from it raises
`TraceLeakError`. Every function also takes `key=` (a seed or a `jax.random.key`) to
draw with that key instead, leaving the default state alone (what to do inside
`jax.jit` or `jax.vmap`). The Randomness page of the docs has the whole story.

```python
eqbrain.random.seed(42)
w = eqbrain.random.normal(0.0, 0.1, size=(100, 100))
spikes = eqbrain.random.rand(100) < 0.05
```
"""

from typing import Any as _Any

from ._default import (
    default_rng as default_rng,
    get_key as get_key,
    on_default as _on_default,
    seed as seed,
    set_key as set_key,
    split_key as split_key,
    split_keys as split_keys,
)
from ._keys import SeedOrKey as SeedOrKey
from ._random_state import RandomState as RandomState

_R = RandomState

# Uniform and integers.
rand = _on_default(_R.rand)
random = _on_default(_R.random)
random_sample = _on_default(_R.random_sample)
ranf = _on_default(_R.ranf)
sample = _on_default(_R.sample)
uniform = _on_default(_R.uniform)
randint = _on_default(_R.randint)
random_integers = _on_default(_R.random_integers)
choice = _on_default(_R.choice)
permutation = _on_default(_R.permutation)
shuffle = _on_default(_R.shuffle)
# Continuous.
randn = _on_default(_R.randn)
standard_normal = _on_default(_R.standard_normal)
normal = _on_default(_R.normal)
truncated_normal = _on_default(_R.truncated_normal)
lognormal = _on_default(_R.lognormal)
standard_exponential = _on_default(_R.standard_exponential)
exponential = _on_default(_R.exponential)
standard_gamma = _on_default(_R.standard_gamma)
gamma = _on_default(_R.gamma)
loggamma = _on_default(_R.loggamma)
beta = _on_default(_R.beta)
dirichlet = _on_default(_R.dirichlet)
chisquare = _on_default(_R.chisquare)
noncentral_chisquare = _on_default(_R.noncentral_chisquare)
f = _on_default(_R.f)
noncentral_f = _on_default(_R.noncentral_f)
standard_t = _on_default(_R.standard_t)
t = _on_default(_R.t)
standard_cauchy = _on_default(_R.standard_cauchy)
gumbel = _on_default(_R.gumbel)
laplace = _on_default(_R.laplace)
logistic = _on_default(_R.logistic)
pareto = _on_default(_R.pareto)
power = _on_default(_R.power)
rayleigh = _on_default(_R.rayleigh)
maxwell = _on_default(_R.maxwell)
triangular = _on_default(_R.triangular)
vonmises = _on_default(_R.vonmises)
wald = _on_default(_R.wald)
weibull = _on_default(_R.weibull)
weibull_min = _on_default(_R.weibull_min)
multivariate_normal = _on_default(_R.multivariate_normal)
orthogonal = _on_default(_R.orthogonal)
# Discrete.
bernoulli = _on_default(_R.bernoulli)
binomial = _on_default(_R.binomial)
negative_binomial = _on_default(_R.negative_binomial)
poisson = _on_default(_R.poisson)
geometric = _on_default(_R.geometric)
multinomial = _on_default(_R.multinomial)
hypergeometric = _on_default(_R.hypergeometric)
logseries = _on_default(_R.logseries)
zipf = _on_default(_R.zipf)
categorical = _on_default(_R.categorical)
# Like another array.
rand_like = _on_default(_R.rand_like)
randn_like = _on_default(_R.randn_like)
randint_like = _on_default(_R.randint_like)

del _R


def __getattr__(name: str) -> _Any:
    # `DEFAULT` is built on first use, so importing eqbrain creates no JAX array.
    if name == "DEFAULT":
        return default_rng()
    raise AttributeError(f"module 'eqbrain.random' has no attribute {name!r}")


__all__ = [
    "RandomState",
    "SeedOrKey",
    "bernoulli",
    "beta",
    "binomial",
    "categorical",
    "chisquare",
    "choice",
    "default_rng",
    "dirichlet",
    "exponential",
    "f",
    "gamma",
    "geometric",
    "get_key",
    "gumbel",
    "hypergeometric",
    "laplace",
    "loggamma",
    "logistic",
    "lognormal",
    "logseries",
    "maxwell",
    "multinomial",
    "multivariate_normal",
    "negative_binomial",
    "noncentral_chisquare",
    "noncentral_f",
    "normal",
    "orthogonal",
    "pareto",
    "permutation",
    "poisson",
    "power",
    "rand",
    "rand_like",
    "randint",
    "randint_like",
    "randn",
    "randn_like",
    "random",
    "random_integers",
    "random_sample",
    "ranf",
    "rayleigh",
    "sample",
    "seed",
    "set_key",
    "shuffle",
    "split_key",
    "split_keys",
    "standard_cauchy",
    "standard_exponential",
    "standard_gamma",
    "standard_normal",
    "standard_t",
    "t",
    "triangular",
    "truncated_normal",
    "uniform",
    "vonmises",
    "wald",
    "weibull",
    "weibull_min",
    "zipf",
]
