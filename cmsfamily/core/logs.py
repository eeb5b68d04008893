"""Log lines as one JSON object each (production), with the id of the request they belong to."""

import json
import logging
from datetime import UTC, datetime

from cmsfamily.core.request_id import current_request_id

# The attributes every LogRecord has; anything else was passed in `extra` and is kept as a field.
# Django's own `extra={"request": ...}` is left out: the path and the id already say which request.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "request",
}


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so that formatters may name it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or current_request_id(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in line and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)
