"""The province's scoring portal (issue 14): a Django project over `scoring.api`.

Communes fill and self-score their dossier in a browser, the province verifies, ranks and publishes;
every workflow change is an append-only event. The CLI stays importable without Django: only
`dvcq serve` imports this package.
"""
