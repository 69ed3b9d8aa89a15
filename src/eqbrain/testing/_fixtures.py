"""`fresh_names`: a pytest fixture giving each test a fresh scope of names."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .._core import name_scope

__all__ = ["fresh_names"]


@pytest.fixture
def fresh_names() -> Iterator[None]:
    """Run the test in a fresh name scope (`name_scope`): every name is free and auto
    names count from 0 (the first `Net` is `Net0`), and the names taken in the test are
    forgotten after it. Use it from your `conftest.py`:

    ```python
    from eqbrain.testing import fresh_names  # noqa: F401

    def test_names(fresh_names):
        assert Net().name == "Net0"
    ```
    """
    with name_scope():
        yield
