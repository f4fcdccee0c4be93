"""The client's address for login throttling when the portal runs behind one trusted reverse proxy.

nginx (docs/portal.md) appends the peer's address to X-Forwarded-For; anything before it was sent by
the client and can be forged, so only the last entry is believed. Used only with DVCQ_BEHIND_PROXY=1."""
from __future__ import annotations

import ipaddress


def client_ip(request) -> str:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.split(",")[-1].strip() if forwarded else ""
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return request.META.get("REMOTE_ADDR", "")
