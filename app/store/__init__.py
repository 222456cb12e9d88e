"""Durable storage: the event log, the programme, participants and credentials (SQL)."""

from .db import make_engine, migrate
from .repository import LogRecord, Store

__all__ = ["LogRecord", "Store", "make_engine", "migrate"]
