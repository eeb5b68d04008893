"""make check's dependency checks: the lock files against pyproject.toml, and the audit, which
fails on a known vulnerability and says plainly when it could not audit."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_lock_files_match_pyproject():
    result = subprocess.run(
        [sys.executable, str(SCRIPTS / "check_lock.py")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
    assert "lock files match pyproject.toml" in result.stdout


def test_a_dependency_missing_from_the_lock_is_named(tmp_path, monkeypatch):
    check_lock = _load("check_lock")
    root = Path(check_lock.ROOT)
    for name in ("requirements.lock", "requirements-dev.lock"):
        text = (root / name).read_text()
        (tmp_path / name).write_text(text.replace("\ngunicorn==", "\nnot-gunicorn=="))
    (tmp_path / "pyproject.toml").write_text((root / "pyproject.toml").read_text())
    monkeypatch.setattr(check_lock, "ROOT", tmp_path)
    assert check_lock.main() == 1


@pytest.fixture
def audit(monkeypatch):
    module = _load("audit_dependencies")
    monkeypatch.setattr(module.urllib.request, "urlopen", lambda *a, **k: _Closing())
    monkeypatch.delenv("AUDIT_REQUIRED", raising=False)

    def with_report(dependencies):
        def run(args, **kwargs):
            Path(args[args.index("--output") + 1]).write_text(
                json.dumps({"dependencies": dependencies, "fixes": []})
            )
            return subprocess.CompletedProcess(args, 0, "", "")

        monkeypatch.setattr(module.subprocess, "run", run)
        return module

    return with_report


class _Closing:
    def close(self):
        pass


def test_a_known_vulnerability_fails_the_check(audit, capsys):
    module = audit(
        [
            {
                "name": "django",
                "version": "5.2.0",
                "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.1"]}],
            },
            {"name": "lark", "version": "1.3.1", "vulns": []},
        ]
    )
    assert module.main() == 1
    assert "django 5.2.0: PYSEC-1 (fixed in 5.2.1)" in capsys.readouterr().out


def test_a_clean_audit_passes_and_counts(audit, capsys):
    assert audit([{"name": "lark", "version": "1.3.1", "vulns": []}]).main() == 0
    assert "1 locked packages audited, no known vulnerability" in capsys.readouterr().out


def test_no_advisory_data_is_said_and_passes_unless_required(audit, capsys, monkeypatch):
    module = audit([{"name": "lark", "skip_reason": "Dependency not found on PyPI"}])
    assert module.main() == 0
    assert "DEPENDENCIES NOT AUDITED" in capsys.readouterr().out
    monkeypatch.setenv("AUDIT_REQUIRED", "1")
    assert module.main() == 1


def test_offline_is_said_and_passes(monkeypatch, capsys):
    module = _load("audit_dependencies")
    monkeypatch.delenv("AUDIT_REQUIRED", raising=False)

    def offline(*args, **kwargs):
        raise OSError("no network")

    monkeypatch.setattr(module.urllib.request, "urlopen", offline)
    assert module.main() == 0
    assert "DEPENDENCIES NOT AUDITED: PyPI cannot be reached" in capsys.readouterr().out
