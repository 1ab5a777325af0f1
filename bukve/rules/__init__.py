"""The libraries' rules as pure functions over plain values.

Nothing in this package imports Django or touches a database: callers pass in every fact a
rule needs (see ARCHITECTURE.md).
"""
