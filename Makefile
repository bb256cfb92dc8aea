# The two environments: Rasa needs Python 3.10, the backend runs on the default python3.
BOT_PY := .venv/bot/bin/python
BACKEND_PY := .venv/backend/bin/python
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: setup test run train lint nlu-eval bench-backend bench-nlu bench-conversation bench-qa \
        bench-monitoring standards lock

setup:  ## create both envs (idempotent) and a local .env with fresh secrets
	@mkdir -p var
	@scripts/venv.sh bot "$$(scripts/find-python310.sh)"
	@scripts/venv.sh backend python3
	@$(BACKEND_PY) scripts/make-env.py .env
	@$(BOT_PY) -m rasa telemetry disable >/dev/null 2>&1 || true

test:  ## the whole suite: backend (SQLite + PostgreSQL), actions, NLU, end-to-end
	@scripts/test.sh

run:  ## backend + action server + Rasa; Ctrl-C stops all three
	@scripts/run.sh

train:  ## train the Rasa model if config or data changed (cached under models/)
	@$(BOT_PY) scripts/train_model.py

lint:
	@.venv/backend/bin/ruff check .

nlu-eval:  ## cross-validation report of the project's NLU (intent and entity F1 per class)
	@$(BOT_PY) bench/nlu_eval.py

bench-conversation:  ## concurrent applicants through the REST channel, all servers live
	@$(BOT_PY) bench/conversation_load.py

bench-qa:  ## policy answers: top-1/top-3 accuracy and abstention on labelled questions
	@$(BOT_PY) bench/qa_eval.py

bench-backend:  ## load benchmark of the case backend (SQLite and PostgreSQL)
	@$(BACKEND_PY) bench/backend_load.py

bench-nlu:  ## the NLU pipeline on the public SMP2019 benchmark
	@$(BOT_PY) bench/nlu_smp2019.py

bench-monitoring:  ## monitoring import: 1,000,000 rows against 200,000 monitored people (PostgreSQL)
	@$(BACKEND_PY) bench/monitoring_import.py

lock:  ## re-resolve both envs from requirements/*.in and rewrite the lock files
	@scripts/lock.sh

standards:  ## pre-check standards: ARGS="show [--district 渝中区]" | ARGS="set --district ... --source ..." | ARGS="check"
	@$(BOT_PY) -m actions.standards_cli $(ARGS)
