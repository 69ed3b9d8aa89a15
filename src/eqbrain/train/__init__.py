"""`eqbrain.train`: BrainPy's trainers (`bp.train`; also at the top level as
`eqbrain.BPTT`, ...).

- `BPTT`, `BPFF`: back-propagation (through time) with an `eqbrain.losses` loss and
  an `eqbrain.optim` optimizer, `fit(train_data, test_data, num_epoch)` and the
  history of the losses and metrics.
- `OfflineTrainer`, `RidgeTrainer`: fit `Dense` readouts to a whole record
  (`eqbrain.algorithms`' ridge, least squares, lasso, logistic regression).
- `OnlineTrainer`, `ForceTrainer`: fit them step by step (RLS, LMS).
- `DSTrainer`: their base, a `DSRunner` whose `predict` takes BrainPy's trainer layout.

```python
trainer = eqbrain.RidgeTrainer(esn, alpha=1e-6)
trainer.fit((X_train, Y_train))
Y_hat = trainer.predict(X_test)
```
"""

from ._back_propagation import BPFF as BPFF, BPTT as BPTT, BPTrainer as BPTrainer
from ._base import DSTrainer as DSTrainer
from ._offline import OfflineTrainer as OfflineTrainer, RidgeTrainer as RidgeTrainer
from ._online import ForceTrainer as ForceTrainer, OnlineTrainer as OnlineTrainer

__all__ = [
    "BPFF",
    "BPTT",
    "BPTrainer",
    "DSTrainer",
    "ForceTrainer",
    "OfflineTrainer",
    "OnlineTrainer",
    "RidgeTrainer",
]
