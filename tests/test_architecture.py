"""The shape of the code that README.md's "Layout" promises and import-linter cannot see:
imports at module level, no private helper borrowed across modules, small files and
functions. (The layers themselves are import-linter's contracts in pyproject.toml.)"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "bukve"
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 80
MAX_LOCAL_IMPORTS = 5  # outside bukve/cli/, which imports lazily to start fast


def _modules() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
    ]


MODULES = _modules()


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def _functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_imports_are_at_module_level_but_for_a_few_that_say_why() -> None:
    local = []
    for path, tree in MODULES:
        if path.parent == PACKAGE / "cli":
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for function in _functions(tree):
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    said = "#" in lines[node.lineno - 1] or "#" in lines[node.lineno - 2]
                    local.append((f"{_name(path)}:{node.lineno}", said))
    assert len(local) <= MAX_LOCAL_IMPORTS, local
    assert all(said for _where, said in local), "say why, in a comment: " + repr(local)


def test_no_module_borrows_another_modules_private_names() -> None:
    borrowed = [
        f"{_name(path)}:{node.lineno} {node.module}.{alias.name}"
        for path, tree in MODULES
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bukve")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert borrowed == []


@pytest.mark.parametrize("path,tree", MODULES, ids=[_name(p) for p, _t in MODULES])
def test_files_and_functions_stay_small(path: Path, tree: ast.Module) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_FILE_LINES, f"{lines} lines: split it along the domain"
    long = [
        f"{f.name} ({(f.end_lineno or f.lineno) - f.lineno + 1} lines)"
        for f in _functions(tree)
        if (f.end_lineno or f.lineno) - f.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []
