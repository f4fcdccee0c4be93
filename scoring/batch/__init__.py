"""Scoring a district's folder of records at once: ranking, counts per grade, and the pack's batch rules.

Kept import-light on purpose: `scoring.pack` imports `batch.rules` to validate a pack's optional
`batch:` section, so nothing here may import the pack module at import time.
"""
