"""How passwords are stored: Argon2id, Django's recommended algorithm, with the parameters of
OWASP's Password Storage Cheat Sheet ("a minimum configuration of 19 MiB of memory, an
iteration count of 2, and 1 degree of parallelism").

Django's own Argon2 parameters (100 MiB, 8 lanes) and its PBKDF2 (1,000,000 rounds) each cost
about 220 ms of CPU a sign-in on this portal's two-core servers: the load test's people signing
in queued behind one another for more than a second (docs/RELIABILITY.md). Memory-hardness,
not CPU time, is what slows an attacker's GPUs; these parameters take 20 ms. Hashes stored
with other parameters or algorithms still verify and are rewritten with these at the next
sign-in (``must_update``)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1
