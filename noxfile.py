"""Project tasks: `nox -s tests`, `lint`, `typecheck`, `docs`, `bench` and `examples`.

CI runs `tests`, `properties`, `lint`, `typecheck` and `docs` in one environment: `.ci/run`.
"""

import nox

nox.options.sessions = ["lint", "typecheck", "tests"]

LINTED = ("src", "tests", "benchmarks", "examples", "noxfile.py")
nox.options.default_venv_backend = "venv"


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite (as the README's test command)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def properties(session: nox.Session) -> None:
    """The round-trip property under the `slow` hypothesis profile, x64 off and on."""
    session.install("-e", ".[test]")
    test = ("pytest", "tests/test_properties.py", "-k", "round_trip_of_a_generated_model")
    for x64 in ("0", "1"):
        env = {"HYPOTHESIS_PROFILE": "slow", "JAX_ENABLE_X64": x64}
        session.run(*test, *session.posargs, env=env)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", *LINTED)
    session.run("ruff", "format", "--check", *LINTED)


@nox.session
def typecheck(session: nox.Session) -> None:
    """pyright over `src/`, `tests/` and `examples/` (settings in pyproject.toml)."""
    session.install("-e", ".[typecheck]")
    session.run("pyright")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the docs site in strict mode (warnings fail)."""
    session.install("-e", ".[docs]")
    session.run("mkdocs", "build", "--strict", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Every benchmark, beside its peers, which are installed only here.

    `nox -s bench -- coba` runs just `benchmarks/bench_coba.py`. The peers: Flax NNX;
    BrainPy 2.x with its CPU kernels (`brainpy[cpu]`: brainevent's numba kernels) and
    brainpy.state (brainstate); Brian2 in C++ standalone mode (needs a C++ compiler, and
    `numpy<2.4`: Brian2 2.9's `Quantity` still wraps `ndarray.ptp`).
    """
    session.install("-e", ".[bench]")
    # Peers are optional: a benchmark prints 'not available' for one that fails here.
    peers = (
        ("flax",),
        ("brainpy[cpu]>=2.8,<2.9", "brainpy-state<0.2"),
        ("brian2>=2.9,<2.10", "numpy<2.4"),
    )
    for peer in peers:
        session.run("pip", "install", *peer, success_codes=[0, 1])
    import pathlib

    scripts = sorted(pathlib.Path("benchmarks").glob("bench_*.py"))
    wanted = set(session.posargs)
    for script in scripts:
        if not wanted or script.stem.removeprefix("bench_") in wanted:
            session.run("python", str(script))


@nox.session
def examples(session: nox.Session) -> None:
    """Run every example at full size."""
    session.install("-e", ".[examples,analysis]")
    session.run("python", "examples/quickstart.py")
    session.run("python", "examples/coba_ei_network.py")
    session.run("python", "examples/ei_network_delays.py")
    session.run("python", "examples/coba_hh_network.py")
    session.run("python", "examples/decision_making.py")
    session.run("python", "examples/train_rate_rnn.py")
    session.run("python", "examples/train_snn_digits.py")
    session.run("python", "examples/esn_mackey_glass.py")
    session.run("python", "examples/phase_plane_fhn.py")
