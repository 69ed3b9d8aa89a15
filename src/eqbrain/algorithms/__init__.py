"""`eqbrain.algorithms`: BrainPy's fitting algorithms (`bp.algorithms`) for the
offline and online trainers.

Offline algorithms fit a layer's weights to a whole record at once (ridge, least
squares, lasso, logistic, polynomial and elastic-net regression), solved with
`jnp.linalg` or gradient descent; online algorithms change them step by step (`RLS`,
the rule of FORCE learning, and `LMS`). Give one to a trainer by name
(`fit_method='ridge'`), as a dict (`{'name': 'ridge', 'alpha': 1e-6}`) or as an
instance.

```python
W = eqbrain.algorithms.RidgeRegression(alpha=1e-6)(targets, inputs)
trainer = eqbrain.OfflineTrainer(model, fit_method="ridge")
```
"""

from ._offline import (
    ElasticNetRegression as ElasticNetRegression,
    LassoRegression as LassoRegression,
    LinearRegression as LinearRegression,
    LogisticRegression as LogisticRegression,
    OfflineAlgorithm as OfflineAlgorithm,
    PolynomialRegression as PolynomialRegression,
    PolynomialRidgeRegression as PolynomialRidgeRegression,
    RegressionAlgorithm as RegressionAlgorithm,
    RidgeRegression as RidgeRegression,
    get_offline_method as get_offline_method,
    get_supported_offline_methods as get_supported_offline_methods,
    linear_regression as linear_regression,
    register_offline_method as register_offline_method,
    ridge_regression as ridge_regression,
)
from ._online import (
    LMS as LMS,
    RLS as RLS,
    OnlineAlgorithm as OnlineAlgorithm,
    get_online_method as get_online_method,
    get_supported_online_methods as get_supported_online_methods,
    register_online_method as register_online_method,
)
from ._utils import (
    L1L2Regularization as L1L2Regularization,
    L1Regularization as L1Regularization,
    L2Regularization as L2Regularization,
    Regularization as Regularization,
    Sigmoid as Sigmoid,
    index_combinations as index_combinations,
    normalize as normalize,
    polynomial_features as polynomial_features,
)

__all__ = [
    "ElasticNetRegression",
    "L1L2Regularization",
    "L1Regularization",
    "L2Regularization",
    "LMS",
    "LassoRegression",
    "LinearRegression",
    "LogisticRegression",
    "OfflineAlgorithm",
    "OnlineAlgorithm",
    "PolynomialRegression",
    "PolynomialRidgeRegression",
    "RLS",
    "RegressionAlgorithm",
    "Regularization",
    "RidgeRegression",
    "Sigmoid",
    "get_offline_method",
    "get_online_method",
    "get_supported_offline_methods",
    "get_supported_online_methods",
    "index_combinations",
    "linear_regression",
    "normalize",
    "polynomial_features",
    "register_offline_method",
    "register_online_method",
    "ridge_regression",
]
