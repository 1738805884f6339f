"""Fault sessions of the Pet Store suite, from Python and pytest: start, grade, end."""

from petstore_faults.api import SessionApi, SessionApiError, mint_faults_token
from petstore_faults.render import render_journal, render_report, render_sessions
from petstore_faults.sessions import FaultSession, FaultSessions

__all__ = [
    "FaultSession",
    "FaultSessions",
    "SessionApi",
    "SessionApiError",
    "mint_faults_token",
    "render_journal",
    "render_report",
    "render_sessions",
]
