"""District verification (thẩm định): a review file's findings applied to one record.

`model` reads and shape-checks a review file; `apply` checks each finding against the record and
the pack and builds the verified record; `verification` scores both and explains the differences;
`render` presents them; `command` is `dvcq verify`.
"""
