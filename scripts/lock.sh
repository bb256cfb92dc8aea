#!/usr/bin/env bash
# Re-resolve both envs from requirements/*.in in scratch venvs and rewrite requirements/*.lock.
set -euo pipefail
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
lock() {
  local name=$1 python=$2
  "$python" -m venv "$scratch/$name"
  "$scratch/$name/bin/pip" install --quiet --disable-pip-version-check -r "requirements/$name.in"
  { echo "# Exact versions of the $name env, used as constraints by \`make setup\`. Regenerate with \`make lock\`."
    "$scratch/$name/bin/pip" freeze --exclude-editable; } > "requirements/$name.lock"
  echo "locked $name: $(($(wc -l < "requirements/$name.lock") - 1)) packages"
}
lock bot "$(scripts/find-python310.sh)"
lock backend python3
