"""The import contract: layers you can see, no cycles, no private reach-ins.

`_core` (the object model) <- `_transforms` <- domains (`dyn`, `optim`, ...) <- `io`.
Each layer imports only layers below it (or beside it, for domains that build on one
another as listed here), and only through their packages' names, never their private
modules; nobody reads a Variable's underscore attributes outside `_core`; nothing
imports `jax._src`. Imports inside functions (lazy imports) count.
"""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

SRC = pathlib.Path(__file__).resolve().parents[1] / "src" / "eqbrain"

# The rank of each subpackage; a module may import only modules of lower or equal rank
# (equal: within the same subpackage, or one listed in SIDEWAYS).
RANK = {
    "_errors": 0,
    "_deprecated": 0,
    "_platform": 0,
    "_core": 1,
    "_transforms": 2,
    "random": 3,
    "surrogate": 3,
    "losses": 3,
    "init": 4,
    "algorithms": 4,
    "dyn": 5,
    "optim": 5,
    "dnn": 6,
    "measure": 6,
    "analysis": 6,
    "plot": 7,
    "train": 7,
    "inputs": 6,
    "io": 8,
    "internal": 9,
    "core": 9,  # deprecated alias modules
    "transforms": 9,
    "__init__": 9,
    "testing": 9,  # imported by nobody in eqbrain: hypothesis is optional
}
SIDEWAYS: set[tuple[str, str]] = set()

VARIABLE_PRIVATE = {
    "_value",
    "_prepare",
    "_write",
    "_check",
    "_describe",
    "_label",
    "_trace",
    "_guard_leak",
    "_batch_axis",
    "_axis_names",
}


TYPE_CHECKING = {"TYPE_CHECKING", "typing.TYPE_CHECKING"}


def _modules() -> dict[str, pathlib.Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(["eqbrain", *parts])] = path
    return out


def _imports(name: str, path: pathlib.Path) -> list[tuple[str, int]]:
    """(absolute module imported, line) for every import in the file, lazy ones too
    (imports for type checkers only, under `if TYPE_CHECKING:`, are not run)."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    typing_only = {
        id(sub)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) in TYPE_CHECKING
        for stmt in node.body
        for sub in ast.walk(stmt)
    }
    out = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.append((mod, node.lineno))
            # `from . import _x` imports the submodule _x.
            for a in node.names:
                if f"{mod}.{a.name}" in MODULES:
                    out.append((f"{mod}.{a.name}", node.lineno))
    return out


MODULES = _modules()


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _internal_edges() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for name, path in MODULES.items():
        for mod, _ in _imports(name, path):
            if mod in MODULES and mod != name:
                graph[name].add(mod)
    return graph


def test_every_subpackage_has_a_rank():
    missing = {_layer(m) for m in MODULES} - set(RANK)
    assert not missing, f"add these subpackages to RANK in {__file__}: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_respect_the_layers(name):
    path = MODULES[name]
    layer = _layer(name)
    for mod, line in _imports(name, path):
        assert not mod.startswith("jax._src"), f"{path}:{line} imports {mod}"
        if not mod.startswith("eqbrain"):
            continue
        target = _layer(mod)
        where = f"{path.relative_to(SRC)}:{line} imports {mod}"
        if target != layer and (layer, target) not in SIDEWAYS:
            assert RANK[target] < RANK[layer], f"{where}: {target} is not below {layer}"
        if target != layer:
            inner = mod.split(".")[2:]
            assert not any(p.startswith("_") for p in inner), (
                f"{where}: import the public names of eqbrain.{target} (its package), "
                "not its private modules"
            )


def test_no_import_cycles():
    graph = _internal_edges()
    # Package __init__ files re-export their own modules; an __init__ importing its
    # children is not a cycle with a child importing a sibling through the package.
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if n.startswith(m + ".") and m in MODULES and MODULES[m].name == "__init__.py":
                continue
            if state.get(n) == 1:
                cycle = stack[stack.index(n) :] + [n]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


@pytest.mark.parametrize("name", sorted(m for m in MODULES if _layer(m) != "_core"))
def test_no_variable_underscore_attributes_outside_core(name):
    path = MODULES[name]
    tree = ast.parse(path.read_text())
    bad = [
        (node.lineno, node.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in VARIABLE_PRIVATE
    ]
    assert not bad, f"{path.relative_to(SRC)} reads Variable internals: {bad}"


FOLDERS = sorted(p for p in [SRC, *SRC.rglob("*")] if p.is_dir() and p.name != "__pycache__")


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: str(p.relative_to(SRC.parent)))
def test_every_folder_has_a_readme_naming_every_file_in_it(folder):
    readme = folder / "README.md"
    assert readme.is_file(), f"{folder.relative_to(SRC.parent)} has no README.md"
    text = readme.read_text()
    entries = [
        p.name + ("/" if p.is_dir() else "")
        for p in folder.iterdir()
        if p.name not in ("__init__.py", "README.md", "__pycache__")
    ]
    missing = [e for e in entries if e.rstrip("/") not in text]
    assert not missing, f"{readme.relative_to(SRC.parent)} does not name {sorted(missing)}"


def test_public_names_stay_importable_from_eqbrain():
    import eqbrain

    for name in [
        "Module",
        "BrainPyObject",
        "Variable",
        "TrainVar",
        "Parameter",
        "jit",
        "grad",
        "for_loop",
        "DynamicalSystem",
        "save",
        "load",
        "optim",
        "share",
        "odeint",
        "Runner",
    ]:
        assert hasattr(eqbrain, name), name
    assert eqbrain.__version__ != "0+unknown"


HISTORY = re.compile(
    r"issue \d+|the issue|kept as it was|earlier name|predates|for old imports",
    re.IGNORECASE,
)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_source_describes_what_is_not_how_it_got_there(name):
    path = MODULES[name]
    lines = [
        (i, line.strip())
        for i, line in enumerate(path.read_text().splitlines(), 1)
        if HISTORY.search(line)
    ]
    assert not lines, f"{path.relative_to(SRC)} narrates history (CHANGELOG.md is for it): {lines}"
