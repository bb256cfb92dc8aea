"""Write `.env` with fresh development secrets, unless one already exists."""

from __future__ import annotations

import base64
import secrets
import sys
from pathlib import Path

TEMPLATE = """\
# Local development settings, written by `make setup`. Never commit this file.
# Every variable is described in the README ("Configuration").
SERVICE_TOKEN={service_token}
ID_ENCRYPTION_KEY={encryption_key}
ID_HASH_KEY={hash_key}
# DATABASE_URL=postgresql://user@127.0.0.1:5432/jiuzhu   (default: SQLite under var/)
# REDIS_URL=redis://127.0.0.1:6379/0                      (Rasa lock store; default in-memory)
RASA_TELEMETRY_ENABLED=false
"""


def main(path: Path) -> int:
    if path.exists():
        print(f"{path.name} exists; left as it is")
        return 0
    key = lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()  # noqa: E731
    path.write_text(TEMPLATE.format(service_token=secrets.token_urlsafe(32),
                                    encryption_key=key(), hash_key=key()), encoding="utf-8")
    path.chmod(0o600)
    print(f"wrote {path.name} with new development secrets")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".env")))
