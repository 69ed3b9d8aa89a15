"""Copy Equinox's own tests here with `eqbrain.Module` as the base of their modules.

Run from the repository root, with an Equinox checkout at the tag named below:

    git clone --branch v0.13.8 https://github.com/patrick-kidger/equinox /tmp/equinox
    python tests/equinox_upstream/vendor.py /tmp/equinox

The one change to each file: in every `class` statement, a base spelled `eqx.Module`
becomes `eqbrain.Module` (so `isinstance(x, eqx.Module)` and Equinox's own layers are
untouched), and the file gains `import eqbrain` and a header naming its origin.
"""

from __future__ import annotations

import pathlib
import re
import sys

TAG = "v0.13.8"
FILES = ("test_module.py", "test_jit.py", "test_serialisation.py", "test_shared.py", "helpers.py")
HERE = pathlib.Path(__file__).parent
CLASS = re.compile(r"^(\s*class \w+(?:\[[^\]]*\])?\()([^)]*)\)", re.MULTILINE)
HEADER = (
    "# From Equinox {tag}, tests/{name} (Apache-2.0, Copyright Patrick Kidger and the\n"
    "# Equinox authors). Changed by tests/equinox_upstream/vendor.py: {count} class bases\n"
    "# `eqx.Module` -> `eqbrain.Module`. Do not edit by hand.\n"
)


def substitute(text: str) -> tuple[str, int]:
    """`text` with every `eqx.Module` class base replaced, and how many were."""
    count = 0

    def base(match: re.Match[str]) -> str:
        nonlocal count
        bases = re.sub(r"\beqx\.Module\b", "eqbrain.Module", match.group(2))
        count += bases != match.group(2)
        return match.group(1) + bases + ")"

    return CLASS.sub(base, text), count


def main(checkout: pathlib.Path) -> None:
    for name in FILES:
        text, count = substitute((checkout / "tests" / name).read_text())
        imports = "import eqbrain  # noqa: F401\n" if count else ""
        header = HEADER.format(tag=TAG, name=name, count=count)
        (HERE / name).write_text(header + imports + text)
        print(f"{name}: {count} class bases substituted")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
