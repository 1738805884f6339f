#!/usr/bin/env bash
# `make compose-test`: the stack in containers under a project name and host ports of its own
# (so it never meets `make run`, a user's `make compose-up` or a test suite), the end-to-end
# conformance cases against it, then tests/compose (healthchecks, --scale, a worker restart
# mid-stream, petstore chaos), and compose-down, which fails if anything is left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export COMPOSE_PROJECT_NAME="petstore-test-$$"
PETSTORE_GATEWAY_HOST_PORT=$(free_port)
PETSTORE_WEATHER_HOST_PORT=$(free_port)
PETSTORE_RECOMMENDATIONS_HOST_PORT=$(free_port)
export PETSTORE_GATEWAY_HOST_PORT PETSTORE_WEATHER_HOST_PORT PETSTORE_RECOMMENDATIONS_HOST_PORT
export PETSTORE_COMPOSE_FILES="$PWD/tests/compose/compose.test.yml"
started=$(date +%s)
finish() {
    status=$?
    "$PY" -m deploy.stack down || status=1
    echo "compose-test: $(($(date +%s) - started)) s in all, exit $status"
    exit "$status"
}
trap finish EXIT
"$PY" -m deploy.stack up >/dev/null
echo "compose-test: stack $COMPOSE_PROJECT_NAME up in $(($(date +%s) - started)) s (gateway on 127.0.0.1:$PETSTORE_GATEWAY_HOST_PORT)"
PETSTORE_E2E_STATE=$("$PY" -c 'from deploy.stack import Stack; print(Stack.from_env().state_file)')
export PETSTORE_E2E_STATE
"$PY" -m pytest -p no:cacheprovider -q tests/e2e/test_conformance_*.py
"$PY" -m pytest -p no:cacheprovider -q -s tests/compose
