"""Fuzzing the loaders: arbitrary bytes and YAML text raise only DvcqError subclasses."""
