"""Record the public names of BrainPy's `bp`, `bp.dyn` and `bm` namespaces into
`names.txt` (one `bp.X`, `bp.dyn.X` or `bm.X` a line, sorted).

    python tests/data/brainpy_names/record.py                 # from an installed BrainPy
    python tests/data/brainpy_names/record.py --source PATH   # from a BrainPy checkout

With BrainPy installed it lists `dir()` of the imported namespaces. `--source` reads
the package's source without importing it (no BrainPy dependencies needed): it follows
each `__init__.py`'s imports, `from .x import *` through `__all__` (or the module's
public names when it has none), assignments, definitions and `del`. Names a namespace
takes by `import *` from another package cannot be followed this way; there are none
in the three namespaces listed here. Names set at run time (`RUNTIME`) are added;
names starting with `_`, and modules of other packages (`jax`, `numpy`, ...) bound as
helpers, are left out.
"""

from __future__ import annotations

import argparse
import ast
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
NAMESPACES = {"bp": "brainpy", "bp.dyn": "brainpy.dyn", "bm": "brainpy.math"}
# Set at run time by `brainpy/__init__.py` (`setattr(dyn, "DynamicalSystem", ...)`).
RUNTIME = {"bp.dyn": {"DynamicalSystem"}}
HELPERS = {"jax", "jnp", "np", "numpy", "config", "brainstate", "braintools", "brainunit"}


def _public(names) -> set[str]:
    return {n for n in names if not n.startswith("_") and n not in HELPERS}


def from_import() -> dict[str, set[str]]:
    import importlib

    return {ns: _public(dir(importlib.import_module(mod))) for ns, mod in NAMESPACES.items()}


class _Source:
    def __init__(self, root: pathlib.Path):
        self.root = root
        self.cache: dict[str, set[str]] = {}

    def path(self, module: str) -> pathlib.Path | None:
        base = self.root.joinpath(*module.split("."))
        for p in (base / "__init__.py", base.with_suffix(".py")):
            if p.is_file():
                return p
        return None

    def exported(self, module: str) -> set[str]:
        """What `from module import *` gives."""
        path = self.path(module)
        if path is None:
            raise LookupError(f"cannot follow `from {module} import *` (not in {self.root})")
        tree = ast.parse(path.read_text())
        declared = _literal_all(tree)
        names = self.names(module)
        return set(declared) if declared is not None else {n for n in names if n[0] != "_"}

    def names(self, module: str) -> set[str]:
        """Every name bound at the top level of `module`."""
        if module in self.cache:
            return self.cache[module]
        path = self.path(module)
        assert path is not None, module
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        out: set[str] = set()
        self.cache[module] = out
        for node in _top_level(ast.parse(path.read_text()).body):
            if isinstance(node, ast.ImportFrom):
                src = _absolute(node, package)
                for a in node.names:
                    if a.name == "*":
                        out |= self.exported(src)
                    else:
                        out.add(a.asname or a.name)
            elif isinstance(node, ast.Import):
                out |= {a.asname or a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                out.add(node.name)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    out |= {n.id for n in ast.walk(t) if isinstance(n, ast.Name)}
            elif isinstance(node, ast.Delete):
                for t in node.targets:
                    out -= {n.id for n in ast.walk(t) if isinstance(n, ast.Name)}
        return out


def _top_level(body):
    for node in body:
        if isinstance(node, ast.If | ast.Try):
            yield from _top_level(node.body)
            if isinstance(node, ast.Try):
                for h in node.handlers:
                    yield from _top_level(h.body)
            yield from _top_level(node.orelse)
        else:
            yield node


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    base = package.split(".")
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _literal_all(tree: ast.Module) -> list[str] | None:
    """`__all__` built from literal lists (`=`, `+=`, `.extend`, `+`), or None."""
    out: list[str] | None = None
    for node in _top_level(tree.body):
        value = None
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            out, value = [], node.value
        elif isinstance(node, ast.AugAssign) and getattr(node.target, "id", "") == "__all__":
            value = node.value
        elif (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and ast.unparse(node.value.func) == "__all__.extend"
        ):
            value = node.value.args[0]
        if value is not None:
            out = (out or []) + [
                n.value
                for n in ast.walk(value)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            ]
    return out


def from_source(root: pathlib.Path) -> dict[str, set[str]]:
    src = _Source(root)
    return {ns: _public(src.names(mod)) | RUNTIME.get(ns, set()) for ns, mod in NAMESPACES.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--source", type=pathlib.Path, help="a BrainPy checkout")
    args = parser.parse_args()
    found = from_source(args.source) if args.source else from_import()
    lines = sorted(f"{ns}.{name}" for ns, names in found.items() for name in names)
    (HERE / "names.txt").write_text("\n".join(lines) + "\n")
    print(f"{len(lines)} names written", file=sys.stderr)


if __name__ == "__main__":
    main()
