"""Count the private names one module of the project takes from another.

A name that starts with one underscore belongs to its module: `from cmsfamily.x import _y` and
`x._y` (x imported from the project) in another file are both counted. `make check` fails when
any is found; `python scripts/private_names.py --list` names them.
"""

import ast
import sys
from pathlib import Path

ROOTS = ("cmsfamily", "bench", "config")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def crossings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    project_modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(ROOTS):
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{path}:{node.lineno}: from {node.module} import {alias.name}")
                else:
                    project_modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(ROOTS):
                    project_modules.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and node.attr != "_meta"  # Django's documented Model._meta API
            and isinstance(node.value, ast.Name)
            and node.value.id in project_modules
        ):
            found.append(f"{path}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


def main(argv: list[str]) -> int:
    found = [
        line
        for root in ROOTS
        for path in sorted(Path(root).rglob("*.py"))
        if "migrations" not in path.parts
        for line in crossings(path)
    ]
    if "--list" in argv or found:
        print("\n".join(found))
    print(f"{len(found)} private name(s) taken across modules")
    return 1 if found and "--count" not in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
