"""Use cases: each takes a Session, plain values and ``now``; none imports Flask.

Services flush but never commit: the caller (a view or a CLI command) commits
once per use case.
"""
