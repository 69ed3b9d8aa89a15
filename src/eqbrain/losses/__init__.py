"""`eqbrain.losses`: BrainPy's loss functions (`bp.losses`), built on optax.

Each loss takes predictions and targets (arrays, Variables, or matching pytrees of them,
whose losses are added up); those with `reduction=` average (`'mean'`), add (`'sum'`) or
keep (`'none'`) the elementwise losses.

```python
loss = eqbrain.losses.cross_entropy_loss(logits, labels)
loss = eqbrain.losses.mean_squared_error(model(x), y)
```
"""

from ._classification import (
    CrossEntropyLoss as CrossEntropyLoss,
    NLLLoss as NLLLoss,
    binary_logistic_loss as binary_logistic_loss,
    cross_entropy_loss as cross_entropy_loss,
    cross_entropy_sigmoid as cross_entropy_sigmoid,
    cross_entropy_sparse as cross_entropy_sparse,
    ctc_loss as ctc_loss,
    ctc_loss_with_forward_probs as ctc_loss_with_forward_probs,
    multi_margin_loss as multi_margin_loss,
    multiclass_logistic_loss as multiclass_logistic_loss,
    nll_loss as nll_loss,
    sigmoid_binary_cross_entropy as sigmoid_binary_cross_entropy,
    softmax_cross_entropy as softmax_cross_entropy,
)
from ._loss import Loss as Loss, WeightedLoss as WeightedLoss
from ._regression import (
    L1Loss as L1Loss,
    MAELoss as MAELoss,
    MSELoss as MSELoss,
    huber_loss as huber_loss,
    l1_loss as l1_loss,
    l2_loss as l2_loss,
    log_cosh_loss as log_cosh_loss,
    mean_absolute_error as mean_absolute_error,
    mean_squared_error as mean_squared_error,
    mean_squared_log_error as mean_squared_log_error,
)
from ._regularization import (
    l2_norm as l2_norm,
    log_cosh as log_cosh,
    mean_absolute as mean_absolute,
    mean_square as mean_square,
    smooth_labels as smooth_labels,
)

__all__ = [
    "CrossEntropyLoss",
    "L1Loss",
    "Loss",
    "MAELoss",
    "MSELoss",
    "NLLLoss",
    "WeightedLoss",
    "binary_logistic_loss",
    "cross_entropy_loss",
    "cross_entropy_sigmoid",
    "cross_entropy_sparse",
    "ctc_loss",
    "ctc_loss_with_forward_probs",
    "huber_loss",
    "l1_loss",
    "l2_loss",
    "l2_norm",
    "log_cosh",
    "log_cosh_loss",
    "mean_absolute",
    "mean_absolute_error",
    "mean_square",
    "mean_squared_error",
    "mean_squared_log_error",
    "multi_margin_loss",
    "multiclass_logistic_loss",
    "nll_loss",
    "sigmoid_binary_cross_entropy",
    "smooth_labels",
    "softmax_cross_entropy",
]
