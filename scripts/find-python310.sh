#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter for the bot env, or explain what is missing.
set -u
try() { "$@" -c 'import sys; assert sys.version_info[:2] == (3, 10); print(sys.executable)' 2>/dev/null; }
if [ -n "${PYTHON310:-}" ] && try "$PYTHON310"; then exit 0; fi
if command -v python3.10 >/dev/null 2>&1 && try python3.10; then exit 0; fi
if command -v pyenv >/dev/null 2>&1; then
  for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -V -r); do
    if try "$(pyenv root)/versions/$version/bin/python3.10"; then exit 0; fi
  done
fi
cat >&2 <<'MSG'
Python 3.10 was not found. Rasa Open Source 3.6 runs only on Python 3.10.
Install it (for example `pyenv install 3.10`) or point PYTHON310 at a python3.10 binary.
MSG
exit 1
