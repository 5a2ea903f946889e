"""The Python half of the bridge from the Rust crate's ``tracing`` events to ``logging``.

The native module forwards the crate's spans and events (see ``src/logging.rs``) to
:func:`_emit`, which makes them records of the logger ``nylas_workspaces``: an HTTP attempt
once it ends, at INFO (``attempt 1 of get_workspace: 200 in 3 ms, request_id ...``), and
events such as a retry at their own level, DEBUG for most. Every field also becomes an
attribute of the record (``record.operation``, ``record.status``, ``record.request_id``,
``record.duration_ms``, ``record.wait_ms`` ...), for filters and structured formatters.

By default nothing is printed: the logger has only a ``NullHandler`` and no level of its own,
so it follows the root logger (WARNING), as the ``logging`` HOWTO asks of libraries. Set
``NYLAS_WORKSPACES_LOG=debug`` or ``info`` to get the records on stderr without configuring
``logging``, as ``OPENAI_LOG`` does for the OpenAI client.

The native side refuses, without the GIL, every record below a threshold that this module
keeps equal to what ``Logger.isEnabledFor`` would allow. It is recomputed whenever
``logging`` drops its own level caches (``Manager._clear_cache``, called by ``setLevel``,
``logging.disable`` and ``logging.config``), so a level set at any time applies to the next
call.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
import warnings
from typing import Any, Callable, Optional

from . import _native

__all__ = ["LOGGER_NAME", "ENV_VAR", "logger"]

LOGGER_NAME = "nylas_workspaces"
ENV_VAR = "NYLAS_WORKSPACES_LOG"
# The format of the stderr handler that ``NYLAS_WORKSPACES_LOG`` installs.
ENV_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

logger = logging.getLogger(LOGGER_NAME)

_ENV_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
# Names a LogRecord already has: a field of the same name is renamed ``field_<name>`` so that
# ``makeRecord`` does not refuse it and the record's own attribute is not overwritten.
_RESERVED = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
_ATTEMPT_SPAN = "nylas_workspaces.attempt"


def _refresh_threshold() -> None:
    """Tells the native side the lowest level that ``logger`` would emit now."""
    try:
        disabled_up_to = logging.root.manager.disable
        _native._set_log_threshold(max(logger.getEffectiveLevel(), disabled_up_to + 1))
    except Exception:
        _native._set_log_threshold(0)  # unknown: forward everything, Python decides


def _hook_level_changes() -> None:
    """Wraps ``Manager._clear_cache`` so that every level change refreshes the threshold."""
    manager = logging.root.manager
    original: Optional[Callable[[], None]] = getattr(manager, "_clear_cache", None)
    if original is None:
        # A ``logging`` without the cache this relies on: let every record through to Python.
        _native._set_log_threshold(0)
        return
    if getattr(original, "_nylas_workspaces_hook", False):
        return

    def clear_cache() -> None:
        assert original is not None
        original()
        _refresh_threshold()

    setattr(clear_cache, "_nylas_workspaces_hook", True)
    setattr(manager, "_clear_cache", clear_cache)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


def _pairs(fields: dict[str, Any]) -> str:
    return ", ".join(f"{name}={_text(value)}" for name, value in fields.items())


def _describe_span(span: str, fields: dict[str, Any], closing: bool) -> str:
    """``attempt 2 of get_workspace: 200 in 3 ms, request_id r-1`` for an attempt."""
    if span == _ATTEMPT_SPAN and "attempt" in fields and "operation" in fields:
        head = f"attempt {fields['attempt']} of {fields['operation']}"
        if not closing:
            return head
        status = fields.get("status", "no response")
        text = f"{head}: {status} in {fields.get('duration_ms', '?')} ms"
        if "request_id" in fields:
            text += f", request_id {fields['request_id']}"
        return text
    if closing:
        return f"{span} ended ({_pairs(fields)})" if fields else f"{span} ended"
    return f"{span} ({_pairs(fields)})" if fields else span


def _message(
    message: Optional[str], fields: dict[str, Any], span: Optional[str], span_fields: dict[str, Any]
) -> str:
    if message is None:  # a span that closed
        return _describe_span(span or "span", span_fields, closing=True)
    text = f"{message} ({_pairs(fields)})" if fields else message
    if span is not None:
        text += f", during {_describe_span(span, span_fields, closing=False)}"
    return text


def _emit(
    level: int,
    target: str,
    file: Optional[str],
    line: Optional[int],
    message: Optional[str],
    fields: dict[str, Any],
    span: Optional[str],
    span_fields: dict[str, Any],
) -> None:
    """Logs one span or event of the crate; called by the native module, never raises."""
    try:
        if not logger.isEnabledFor(level):
            return
        extra: dict[str, Any] = {}
        for name, value in {**span_fields, **fields}.items():
            extra[f"field_{name}" if name in _RESERVED else name] = value
        extra["rust_target"] = target
        if span is not None:
            extra["rust_span"] = span
        record = logger.makeRecord(
            logger.name,
            level,
            file or "<rust>",
            line or 0,
            _message(message, fields, span, span_fields),
            (),
            None,
            func=span,
            extra=extra,
        )
        logger.handle(record)
    except Exception:
        # What Handler.handleError does for a failing handler; logging must never break a call.
        if logging.raiseExceptions and sys.stderr is not None:
            try:
                sys.stderr.write("--- Logging error in nylas_workspaces ---\n")
                traceback.print_exc(file=sys.stderr)
            except Exception:
                pass


def _install_env_handler() -> None:
    """Honours ``NYLAS_WORKSPACES_LOG``: ``debug`` or ``info`` log to stderr at that level."""
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        return
    level = _ENV_LEVELS.get(value.lower())
    if level is None:
        warnings.warn(
            f"{ENV_VAR}={value!r} is ignored: it takes 'debug' or 'info'",
            RuntimeWarning,
            stacklevel=2,
        )
        return
    if any(getattr(h, "_nylas_workspaces_env", False) for h in logger.handlers):
        return  # the package was imported again
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(ENV_FORMAT))
    setattr(handler, "_nylas_workspaces_env", True)
    logger.addHandler(handler)
    logger.setLevel(level)


def install() -> None:
    """Connects the native bridge; called once when the package is imported."""
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    _native._connect_logging(_emit)
    _hook_level_changes()
    _install_env_handler()
    _refresh_threshold()
