"""Tests of the pets service, in-process against the session's real Redis."""
