"""Dependency edges (STYLE.md §2): ``tally`` ← ``ballot_client``, ``ballot_server``, ``audit``;
``report`` (the committee's report over many records, a tool of the committee above like the
verifier) ← ``tally`` and ``audit`` only, and only the ``phieukin`` command imports it.

Every ``.py`` file's imports are read with ``ast`` — including imports inside functions and
``if TYPE_CHECKING`` blocks — and resolved to a top-level module name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("tally", "ballot_client", "ballot_server", "audit", "report")

# tally/ is pure: no other project package, no web framework, no database, no I/O modules.
TALLY_FORBIDDEN = {
    "report",
    "ballot_client",
    "ballot_server",
    "audit",
    "aiohttp",
    "sqlite3",
    "sqlite_utils",
    "socket",
    "ssl",
    "http",
    "urllib",
    "asyncio",
    "subprocess",
    "os",
    "shutil",
    "pathlib",
    "io",
    "requests",
    "multiprocessing",
    "selectors",
    "select",
    "importlib",
}
# Builtins that read, write or import dynamically; a pure library never calls them.
TALLY_FORBIDDEN_CALLS = {"open", "input", "__import__", "exec", "eval"}


def imported_modules(source: str, module: str) -> set[str]:
    """Top-level names of every module ``source`` imports (relative imports resolved)."""
    tree = ast.parse(source)
    package = module.split(".")
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level]
                names.add((base or package)[0])
            elif node.module:
                names.add(node.module.split(".")[0])
    return names


def called_names(source: str) -> set[str]:
    return {
        node.func.id
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(package: str) -> dict[str, set[str]]:
    return {
        module_name(path): imported_modules(path.read_text(encoding="utf-8"), module_name(path))
        for path in python_files(package)
    }


def violations(package: str, forbidden: set[str]) -> list[str]:
    return [
        f"{module} imports {name}"
        for module, names in imports_of(package).items()
        for name in sorted(names & forbidden)
    ]


# --- the scanner itself ------------------------------------------------------------------------


def test_scanner_sees_every_kind_of_import():
    source = (
        "import os.path\n"
        "from aiohttp import web\n"
        "from . import sibling\n"
        "from ..other import thing\n"
        "def f():\n"
        "    import sqlite3\n"
        "if False:\n"
        "    from ballot_server.app import x\n"
    )
    names = imported_modules(source, "tally.crypto.group")
    assert {"os", "aiohttp", "sqlite3", "ballot_server", "tally"} <= names
    assert called_names("open('x')\nprint(1)") == {"open", "print"}


def test_the_packages_exist_and_are_scanned():
    for package in PROJECT:
        assert python_files(package), package
    tally = imports_of("tally")
    assert "rbcl" in tally["tally.crypto.group"]
    assert "tally" in tally["tally.ballot"]


# --- the edges ---------------------------------------------------------------------------------


def test_tally_is_pure():
    assert violations("tally", TALLY_FORBIDDEN) == []


def test_tally_does_no_io_through_builtins():
    found = [
        f"{module_name(path)} calls {name}"
        for path in python_files("tally")
        for name in sorted(called_names(path.read_text(encoding="utf-8")) & TALLY_FORBIDDEN_CALLS)
    ]
    assert found == []


def test_audit_reads_only_the_record_through_tally():
    forbidden = {"ballot_server", "ballot_client", "report", "sqlite3", "sqlite_utils"}
    assert violations("audit", forbidden) == []


def test_ballot_client_does_not_import_the_server():
    assert violations("ballot_client", {"ballot_server", "audit", "report"}) == []


@pytest.mark.parametrize("package", ["tally", "ballot_client", "audit", "report"])
def test_nothing_imports_ballot_server(package):
    assert violations(package, {"ballot_server"}) == []


def test_report_uses_only_tally_and_audit():
    """The committee's report reads records through the verifier's own checks (``audit``) and
    decides with ``tally``: never the server, its database, its web framework or a client."""
    forbidden = {"ballot_server", "ballot_client", "aiohttp", "sqlite3", "sqlite_utils"}
    assert violations("report", forbidden) == []
    assert {"tally", "audit"} <= set().union(*imports_of("report").values())


def test_only_the_phieukin_command_imports_the_report():
    importers = [
        module
        for package in ("tally", "ballot_client", "ballot_server", "audit")
        for module, names in imports_of(package).items()
        if "report" in names
    ]
    assert importers == ["ballot_server.cli"]


def test_tests_of_the_core_do_not_import_the_server():
    """The crypto-core tests run without the server: they exercise ``tally`` alone."""
    core_tests = [
        "conftest",
        "test_group_hashing",
        "test_canonical",
        "test_ceremony",
        "test_ballot",
        "test_decryption",
        "test_eventlog",
        "test_attacks",
    ]
    for name in core_tests:
        path = ROOT / "tests" / f"{name}.py"
        names = imported_modules(path.read_text(encoding="utf-8"), f"tests.{name}")
        assert not names & {"ballot_server", "ballot_client", "audit", "aiohttp"}, name
