"""Logging: every line carries the id of the request it belongs to (`-` outside one).

The access log is one JSON object per line on stderr (logger `app.access`, written by
app.http.middleware.Observe): time, request_id, method, route, path, status, duration_ms,
bytes. Other lines are plain text: time, level, logger, [request id], message.
"""

from typing import Any

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"


def config(level: str = "info", access_log: bool = True) -> dict[str, Any]:
    """A `logging.config.dictConfig` for uvicorn and the application."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {
                "()": "asgi_correlation_id.CorrelationIdFilter",
                "uuid_length": None,
                "default_value": "-",
            }
        },
        "formatters": {
            "text": {"format": FORMAT},
            "json_line": {"format": "%(message)s"},
        },
        "handlers": {
            "text": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "text",
                "filters": ["request_id"],
            },
            "access": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "json_line",
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["text"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "app": {"handlers": ["text"], "level": level.upper(), "propagate": False},
            "app.access": {
                "handlers": ["access"] if access_log else [],
                "level": "INFO" if access_log else "CRITICAL",
                "propagate": False,
            },
            "asgi_correlation_id": {"handlers": ["text"], "level": "WARNING", "propagate": False},
        },
    }
