#!/usr/bin/env bash
# make run: the backend, the action server and Rasa on this machine; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1
set -a; [ -f .env ] && . ./.env; set +a
BACKEND_PORT=${BACKEND_PORT:-8000} ACTIONS_PORT=${ACTIONS_PORT:-5055} RASA_PORT=${RASA_PORT:-5005}
export BACKEND_URL=${BACKEND_URL:-http://127.0.0.1:$BACKEND_PORT}
export ACTION_SERVER_URL=${ACTION_SERVER_URL:-http://127.0.0.1:$ACTIONS_PORT/webhook}
export RASA_URL=${RASA_URL:-http://127.0.0.1:$RASA_PORT}
export TRACKER_DB=${TRACKER_DB:-var/tracker.sqlite3}
ENDPOINTS=${RASA_ENDPOINTS:-bot/endpoints.yml}
mkdir -p var

model=$(.venv/bot/bin/python scripts/train_model.py | tail -n 1)

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "stopping ..."
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv/backend/bin/python -m backend serve --port "$BACKEND_PORT" & pids+=($!)
.venv/bot/bin/python -m rasa_sdk --actions actions --port "$ACTIONS_PORT" & pids+=($!)
.venv/bot/bin/python -m rasa run --model "$model" --endpoints "$ENDPOINTS" \
  --credentials bot/credentials.yml --port "$RASA_PORT" --interface 127.0.0.1 & pids+=($!)

for _ in $(seq 1 180); do
  curl -fsS "$RASA_URL/" >/dev/null 2>&1 && curl -fsS "$BACKEND_URL/healthz" >/dev/null 2>&1 && break
  sleep 1
done
cat <<MSG

  web chat:      $BACKEND_URL/chat
  staff console: $BACKEND_URL/console     (first login: create a staff user, below)
  staff API:     $BACKEND_URL/api/v1/cases   (log in: POST /api/v1/staff/login)
  API document:  $BACKEND_URL/api/openapi.json
  create a staff user:  .venv/backend/bin/python -m backend staff create --username U --password P --district 渝中区

  Ctrl-C stops all three.
MSG
wait -n "${pids[@]}"
