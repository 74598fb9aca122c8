"""The shape of the code: dependencies point one way, and only extraction loads spaCy."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import aidtrace

PACKAGE = Path(aidtrace.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether an import sits under ``if TYPE_CHECKING:`` (annotations only, never run)."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def import_graph() -> dict[str, set[str]]:
    """Every aidtrace module and the aidtrace modules it imports — at module level or inside a
    function (a late import that dodges a cycle is still a cycle), but not for type checking."""
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if _type_checking_only(node, parents):
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                           for alias in node.names]
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_package_has_no_import_cycles():
    graph = import_graph()
    assert len(graph) > 40  # the walk really read the package
    assert "aidtrace.facts.kind" in graph["aidtrace.facts.commitments"]
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_layers_point_one_way():
    """extraction <- storage <- web: nothing in extraction imports storage or web, storage never web."""
    graph = import_graph()
    extraction = [name for name in graph if not name.startswith(("aidtrace.storage", "aidtrace.web",
                                                                  "aidtrace.ingest", "aidtrace.cli"))]
    for name in extraction:
        assert not {t for t in graph[name] if t.startswith(("aidtrace.storage", "aidtrace.web", "aidtrace.ingest"))}, name
    for name in (n for n in graph if n.startswith("aidtrace.storage")):
        assert not {t for t in graph[name] if t.startswith(("aidtrace.web", "aidtrace.ingest"))}, name


def _modules_loaded_by(*args: str) -> set[str]:
    code = ("import sys, runpy\n"
            f"sys.argv = ['aidtrace', {', '.join(repr(a) for a in args)}]\n"
            "try:\n    runpy.run_module('aidtrace', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print('\\n'.join(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return set(result.stdout.split())


def test_commands_that_do_not_extract_never_import_spacy():
    for args in (("--help",), ("serve", "--help"), ("token", "--help"), ("review", "list", "--help"),
                 ("export", "--help")):
        loaded = _modules_loaded_by(*args)
        assert "click" in loaded  # the command line really ran
        assert not {m for m in loaded if m == "spacy" or m.startswith(("spacy.", "thinc"))}, args
    # Help alone does not even open the registry's schema.
    assert "sqlalchemy" not in _modules_loaded_by("--help")


def test_importing_the_kinds_and_the_web_does_not_import_spacy():
    code = "import sys, aidtrace.facts, aidtrace.web.app; print('spacy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "False"
