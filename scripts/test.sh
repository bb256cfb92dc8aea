#!/usr/bin/env bash
# The whole suite: the backend env runs tests/backend (SQLite and PostgreSQL); the bot env runs
# the actions, NLU and end-to-end tests (which start all three servers on loopback).
set -uo pipefail
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1
status=0
echo "== backend (.venv/backend) =="
.venv/backend/bin/python -m pytest tests/backend "$@" || status=$?
echo "== bot: actions, NLU, end-to-end (.venv/bot) =="
.venv/bot/bin/python -m pytest tests/actions tests/nlu tests/e2e "$@" || status=$?
exit $status
