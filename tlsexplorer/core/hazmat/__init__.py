"""Deliberately unsafe operations, kept here for teaching and nowhere else.

Named after pyca's ``hazmat`` layer: everything in this package is insecure
on purpose (textbook RSA without padding, Fernet with a fixed IV and time,
attacks on small or related moduli). Screens and CLI output that use it say
so. Real work uses the cryptography library's safe recipes instead.
"""
