"""Argon2id with the parameters OWASP gives for a server that signs many people in at once.

Django's Argon2PasswordHasher asks for 100 MiB and 8 lanes per hash: on the province's 2-core server
a deadline-day wave of logins queued behind it (bench/README.md). OWASP's Password Storage Cheat Sheet
lists m=19 MiB, t=2, p=1 as an equivalent choice; the algorithm and hash format stay Django's, so
existing hashes still verify and are upgraded at the next login."""
from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
