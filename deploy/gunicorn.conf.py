"""gunicorn's settings for the CMS Family Platform: `gunicorn -c deploy/gunicorn.conf.py
config.wsgi:application`. Every value can be changed through the environment named beside it."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Pages are rendered on the CPU: about two workers per core (WEB_CONCURRENCY overrides).
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
# PDFs of long reports take seconds; anything slower belongs to the task queue.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# A worker is replaced after so many requests, so that a slow leak cannot grow for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The reverse proxy on this host (or, in compose.yaml, its container) may say the scheme.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The platform logs each request itself, as JSON with its request id (cmsfamily.core.request_id);
# gunicorn's own messages (workers started, timed out) are JSON lines too.
accesslog = None
errorlog = "-"
# gunicorn's control socket (gunicornc) is not used; off, two servers on one host cannot collide
# on its path, nor need a writable home directory.
control_socket_disable = True
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "cmsfamily.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
