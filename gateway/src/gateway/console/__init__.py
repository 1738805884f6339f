"""The web console: a page for people, its live feed of exchanges, and the stub fault proxy."""
