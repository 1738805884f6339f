"""Fault sessions: client-scoped faults on any route, a journal of every exchange, a grade."""
