"""The case backend: the system of record for social-assistance applications."""
