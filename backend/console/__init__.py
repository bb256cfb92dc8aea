"""The staff console: server-rendered pages inside the backend (see README.md here)."""
