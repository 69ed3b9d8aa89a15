"""`Progress`: a tqdm bar that a compiled run updates through host callbacks."""

from __future__ import annotations

from typing import Any


class Progress:
    """One bar per run, updated about a hundred times from inside the compiled loop.

    The same object is called by every compiled chunk (it is captured when the loop is
    traced), so a run of a new length needs no new compilation: `start(total)` sets
    the length on the host before the run.
    """

    def __init__(self, kwargs: dict[str, Any]):
        self.kwargs = kwargs
        self.total = 0
        self.bar: Any = None

    def start(self, total: int) -> None:
        from tqdm.auto import tqdm

        self.close()
        self.total = total
        self.bar = tqdm(total=total, **self.kwargs)

    def __call__(self, k: Any) -> None:
        if self.bar is None:
            return
        done = int(k) + 1
        if done > self.bar.n:
            self.bar.update(done - self.bar.n)
        if done >= self.total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
