#!/usr/bin/env bash
# scripts/venv.sh NAME PYTHON: create .venv/NAME and install requirements/NAME.in pinned by
# requirements/NAME.lock. A second run with unchanged requirements does nothing.
set -euo pipefail
name=$1 python=$2
venv=.venv/$name
stamp=$venv/.requirements.sha256
want=$(cat "requirements/$name.in" "requirements/$name.lock" | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then
  echo "$name env is up to date"
  exit 0
fi
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  -r "requirements/$name.in" -c "requirements/$name.lock"
echo "$want" > "$stamp"
echo "$name env ready"
