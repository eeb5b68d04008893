"""The lock files still say what pyproject.toml asks: every dependency pinned, within its bounds,
and requirements.lock (production) at the versions of requirements-dev.lock (CI). Offline and
fast, for `make check`; `make lock` rewrites both when this fails. Prints the problems, exits 1."""

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.MULTILINE)


def pins(path: Path) -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in PIN.findall(path.read_text())}


def main() -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    production, development = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-dev.lock")
    problems = []
    wanted = [(dep, production, "requirements.lock") for dep in project["dependencies"]]
    wanted += [
        (dep, development, "requirements-dev.lock")
        for dep in project["dependencies"] + project["optional-dependencies"]["dev"]
    ]
    for text, locked, lock_name in wanted:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        if name not in locked:
            problems.append(f"{requirement.name} is not in {lock_name}")
        elif not requirement.specifier.contains(locked[name], prereleases=True):
            problems.append(
                f"{lock_name} pins {requirement.name}=={locked[name]}, outside {requirement.specifier}"
            )
    for name, version in production.items():
        if development.get(name, version) != version:
            problems.append(
                f"{name} is {version} in requirements.lock but {development[name]} in "
                "requirements-dev.lock: CI would test other versions than production runs"
            )
    for problem in problems:
        print(problem)
    if problems:
        print("Refresh the lock files: make lock (see the README, 'Dependencies').")
        return 1
    print(
        f"lock files match pyproject.toml ({len(production)} production, {len(development)} in all)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
