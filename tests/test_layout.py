"""The test suite's own layout: a test module never imports another test module (shared helpers, factories and
fixtures live in tests/support/ and the conftest.py files), and no fixture is imported (an imported fixture needs
a noqa for the unused-import and redefinition warnings, and hides where it comes from)."""
import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SUPPORT = "tests.support"
SILENCED = tuple(f"noqa: F{code}" for code in (401, 811))  # spelled so that a grep of the tests finds none here


def _module(path: Path) -> str:
    return ".".join(path.relative_to(TESTS.parent).with_suffix("").parts).removesuffix(".__init__")


def _imported(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, module) of every import in a file, names from `from x import y` as x.y; relative ones resolved."""
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text() if source is None else source, str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _offence(module: str) -> bool:
    """Whether importing `module` (or a name from it) reaches into the tests other than tests.support."""
    if module != "tests" and not module.startswith("tests."):
        return False
    if module in ("tests", "tests.__init__"):
        return True
    return not (module == SUPPORT or module.startswith(SUPPORT + "."))


def test_no_test_module_imports_another():
    problems = [f"{path.relative_to(TESTS.parent)}:{line}: imports {module}"
                for path in sorted(TESTS.rglob("*.py")) for line, module in _imported(path) if _offence(module)]
    assert problems == [], "move what is shared into tests/support/ (or a conftest.py):\n" + "\n".join(problems)


def test_no_fixture_is_imported_past_the_linter():
    problems = [f"{path.relative_to(TESTS.parent)}:{n}: {line.strip()}"
                for path in sorted(TESTS.rglob("*.py")) if path != Path(__file__).resolve()
                for n, line in enumerate(path.read_text().splitlines(), 1)
                if any(word in line for word in SILENCED)]
    assert problems == [], "share fixtures through a conftest.py or tests/support (pytest_plugins):\n" + \
        "\n".join(problems)


def test_the_check_sees_every_way_of_importing_a_test_module():
    assert all(_offence(m) for m in ("tests.conftest", "tests.views.test_route_matrix.world", "tests.served",
                                     "tests.views.test_route_matrix", "tests.test_cli"))
    assert not any(_offence(m) for m in ("tests.support", "tests.support.ballots.award", "tracker.views", "pytest"))
    assert [m for _, m in _imported(TESTS / "views" / "test_route_matrix.py") if m.startswith("tests.")]
    sample = ("from . import test_forms\nfrom .test_ballots import flag\nfrom ..support import pages\n"
              "import tests." "services.test_ballots\ndef f():\n    from tests.conftest import PASSWORD\n")
    found = _imported(TESTS / "views" / "test_sample.py", sample)
    assert [(line, _offence(module)) for line, module in found] == [(1, True), (2, True), (3, False), (4, True),
                                                                    (6, True)]
