"""An independent reference evaluator (the oracle) for `dvcq-pack/1` rule packs.

It reads the pack YAML with its own loader and scores a record's plain data straight from the
semantics written in docs/rule-format.md. It shares no code with `scoring/`: a bug copied into both
would agree with itself, so `test_reference.py` checks that nothing here imports `scoring`.
"""
