"""The public API is declared, documented and nothing more.

Public namespaces each declare `__all__`; every name they declare resolves, nothing
public sits in them undeclared, every declared name has an entry on an API page of the
docs (`::: path`), and every entry there names something declared. Everything else is
private (an underscore in its path), a layout folder of `eqbrain.dyn`, or a deprecated
alias module that warns.
"""

from __future__ import annotations

import importlib
import pathlib
import pkgutil
import re
import types
import warnings

import pytest

import eqbrain

ROOT = pathlib.Path(__file__).resolve().parents[1]
NAMESPACES = [
    "eqbrain",
    "eqbrain.algorithms",
    "eqbrain.analysis",
    "eqbrain.dnn",
    "eqbrain.dyn",
    "eqbrain.init",
    "eqbrain.inputs",
    "eqbrain.io",
    "eqbrain.losses",
    "eqbrain.measure",
    "eqbrain.optim",
    "eqbrain.plot",
    "eqbrain.random",
    "eqbrain.surrogate",
    "eqbrain.testing",
    "eqbrain.train",
]
UNSTABLE = ["eqbrain.internal"]
# Folders that lay out `eqbrain.dyn` as bp.dyn; each name they declare is `eqbrain.dyn`'s
# (the integrators' are the top level's, where BrainPy has `bp.odeint`).
LAYOUT = {
    "eqbrain.dyn.neurons": "eqbrain.dyn",
    "eqbrain.dyn.synapses": "eqbrain.dyn",
    "eqbrain.dyn.outs": "eqbrain.dyn",
    "eqbrain.dyn.projections": "eqbrain.dyn",
    "eqbrain.dyn.others": "eqbrain.dyn",
    "eqbrain.dyn.rates": "eqbrain.dyn",
    "eqbrain.dyn.runner": "eqbrain.dyn",
    "eqbrain.dyn.integrators": "eqbrain",
}
DEPRECATED_MODULES = ["eqbrain.core", "eqbrain.transforms", "eqbrain.dyn.inputs"]


def _module(name: str) -> types.ModuleType:
    return importlib.import_module(name)


def _documented() -> set[str]:
    out: set[str] = set()
    for page in (ROOT / "docs" / "api").glob("*.md"):
        out |= set(re.findall(r"^::: (eqbrain[\w.]*)", page.read_text(), re.M))
    return out


def _resolve(path: str) -> object:
    module, _, name = path.rpartition(".")
    return getattr(_module(module), name)


@pytest.mark.parametrize("name", NAMESPACES + UNSTABLE + list(LAYOUT))
def test_each_namespace_declares_a_sorted_all_that_resolves(name):
    module = _module(name)
    declared = module.__all__
    assert declared == sorted(declared), f"{name}.__all__ is not sorted"
    assert len(set(declared)) == len(declared), f"{name}.__all__ repeats a name"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no declared name may be a deprecated alias
        for attr in declared:
            assert hasattr(module, attr), f"{name}.__all__ lists {attr!r}, which is missing"


@pytest.mark.parametrize("name", NAMESPACES + UNSTABLE + list(LAYOUT))
def test_nothing_is_public_by_accident(name):
    module = _module(name)
    undeclared = sorted(
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_")
        and attr not in module.__all__
        and not isinstance(value, types.ModuleType)
    )
    assert not undeclared, f"{name} holds public names outside __all__: {undeclared}"


@pytest.mark.parametrize("layout, owner", sorted(LAYOUT.items()))
def test_layout_folders_only_lay_out_their_namespace(layout, owner):
    missing = sorted(set(_module(layout).__all__) - set(_module(owner).__all__))
    assert not missing, f"{layout} declares {missing}, which {owner} does not"


def test_every_module_without_an_underscore_is_accounted_for():
    known = set(NAMESPACES + UNSTABLE + list(LAYOUT) + DEPRECATED_MODULES)
    found = {
        info.name
        for info in pkgutil.walk_packages(eqbrain.__path__, "eqbrain.")
        if not any(part.startswith("_") for part in info.name.split("."))
    }
    assert found <= known, f"public modules nobody declared: {sorted(found - known)}"


# The API page of each namespace; its tables may list names (`normal(loc, scale)`) that
# share one documented form (the random samplers are `RandomState`'s methods).
PAGES = {
    "eqbrain.random": "random.md",
    "eqbrain.surrogate": "surrogate.md",
    "eqbrain.inputs": "running.md",
    "eqbrain.optim": "optim.md",
}


def _is_documented(namespace: str, attr: str, documented_objects: list[object]) -> bool:
    obj = getattr(_module(namespace), attr)
    if isinstance(obj, types.ModuleType):  # a namespace: it has pages of its own
        return True
    if any(obj is other or type(obj) is other for other in documented_objects):
        return True
    page = PAGES.get(namespace)
    text = (ROOT / "docs" / "api" / page).read_text() if page else ""
    return re.search(rf"`{attr}(`|\()", text) is not None


def test_every_declared_name_is_on_an_api_page():
    documented = _documented()
    objects = [_resolve(path) for path in documented]
    missing = [
        f"{ns}.{attr}"
        for ns in NAMESPACES
        for attr in _module(ns).__all__
        if not _is_documented(ns, attr, objects)
    ]
    assert not missing, f"add `::: name` entries to docs/api/ for: {missing}"


def test_every_api_page_entry_is_declared():
    declared = [getattr(_module(ns), attr) for ns in NAMESPACES for attr in _module(ns).__all__]
    public = {id(obj) for obj in declared}
    # A page may document the class of a public instance (`eqbrain.share`'s methods).
    public |= {id(type(obj)) for obj in declared if type(obj).__module__.startswith("eqbrain")}
    stray = [path for path in sorted(_documented()) if id(_resolve(path)) not in public]
    assert not stray, f"docs/api/ documents names that are not public: {stray}"


@pytest.mark.parametrize(
    "old, new",
    [
        ("eqbrain.Lif", "eqbrain.dyn.Lif"),
        ("eqbrain.Expon", "eqbrain.dyn.Expon"),
        ("eqbrain.section_input", "eqbrain.inputs.section_input"),
        ("eqbrain.raster_plot", "eqbrain.plot.raster_plot"),
        ("eqbrain.Integrator", "eqbrain.ODEIntegrator"),
        ("eqbrain.RandomState", "eqbrain.random.RandomState"),
        ("eqbrain.dyn.odeint", "eqbrain.odeint"),
        ("eqbrain.inputs.PoissonInput", "eqbrain.dyn.PoissonInput"),
        ("eqbrain.core.Variable", "eqbrain.Variable"),
        ("eqbrain.core.StateTrace", "eqbrain.internal.StateTrace"),
        ("eqbrain.transforms.jit", "eqbrain.jit"),
        ("eqbrain.dyn.inputs.section_input", "eqbrain.inputs.section_input"),
        ("eqbrain.dyn.synapses.COBA", "eqbrain.dyn.COBA"),
    ],
)
def test_old_names_work_for_a_release_with_a_warning_naming_the_new_one(old, new):
    with pytest.warns(DeprecationWarning, match=re.escape(f"use {new}")):
        obj = _resolve(old)
    assert obj is _resolve(new)


def test_an_unknown_name_is_still_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'Lfi'"):
        eqbrain.Lfi  # noqa: B018
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        eqbrain.dyn.nope  # noqa: B018
