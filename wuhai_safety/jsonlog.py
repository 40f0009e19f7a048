"""The security log's format: one JSON object a line, readable by any log collector.

Apart from ratings.security_log (which writes the events) because settings.LOGGING loads the
formatter before Django's apps are ready."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime


class JsonLinesFormatter(logging.Formatter):
    """time (UTC), level, event, then the event's facts, as ratings.security_log.record passes
    them."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds"),
            "level": record.levelname,
            "event": getattr(record, "event", record.getMessage()),
            **getattr(record, "facts", {}),
        }
        return json.dumps(entry, ensure_ascii=False, default=str)
