"""The deployment files hold together: compose's services, gunicorn's settings, the units' paths."""

import runpy
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"


def test_compose_runs_every_piece_from_the_locked_image():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "redis", "migrate", "web", "worker", "proxy"}
    for name in ("migrate", "web", "worker"):
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"
        assert services[name]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert "/health/" in " ".join(services["web"]["healthcheck"]["test"])
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert (DEPLOY / "Caddyfile").exists()


def test_gunicorn_settings_log_json_and_read_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:8001")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert (conf["bind"], conf["workers"]) == ("127.0.0.1:8001", 3)
    formatter = conf["logconfig_dict"]["formatters"]["json"]["()"]
    assert formatter == "cmsfamily.core.logs.JsonFormatter"
    assert conf["control_socket_disable"] is True


def test_the_units_run_what_the_repository_holds():
    for unit in (DEPLOY / "systemd").glob("*.service"):
        text = unit.read_text()
        assert "EnvironmentFile=/etc/cmsfamily/env" in text
        for line in text.splitlines():
            if line.startswith("ExecStart=/srv/cmsfamily/") and "/.venv/" not in line:
                script = line.split()[0].removeprefix("ExecStart=/srv/cmsfamily/")
                assert (ROOT / script).exists(), script
    assert "deploy/gunicorn.conf.py" in (DEPLOY / "systemd" / "cmsfamily-web@.service").read_text()
