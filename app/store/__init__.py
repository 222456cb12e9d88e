"""Durable storage: the event log, the programme, participants and credentials (SQL)."""

from .db import make_engine, migrate
from .repository import CommandRecord, LogRecord, Store

__all__ = ["CommandRecord", "LogRecord", "Store", "make_engine", "migrate"]
