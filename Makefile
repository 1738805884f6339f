# One entry point for people and CI: `make run`, `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PACKAGES := service-kit pets-service gateway weather-stub recommendations-stub records-worker petstore-faults petstore-cli
PRESENT := $(patsubst %/pyproject.toml,%,$(wildcard $(addsuffix /pyproject.toml,$(PACKAGES))))

.PHONY: install run test lint deadcode format typecheck pytest docs bench profile fuzz clean browser screenshot bench-tools
.PHONY: k8s-settings lock lock-upgrade compose-up compose-down compose-test

# Every compose file in the tree, found by its top-level `services:` (docker-compose.yml and
# any override file beside it), checked against the Compose specification (the schema
# check-jsonschema ships: no network).
COMPOSE_FILES = $(shell grep -rlE '^services:' --include='*.yml' --include='*.yaml' \
	--exclude-dir=.git --exclude-dir=.venv --exclude-dir=node_modules --exclude-dir=k8s . | sort)
# The Kubernetes manifests (kustomization.yaml is kustomize's, not a Kubernetes object),
# checked against the schemas kubernetes-validate ships, unknown fields refused.
K8S_MANIFESTS = $(filter-out k8s/kustomization.yaml,$(wildcard k8s/*.yaml))

# Installs exactly what requirements.lock pins (hash-checked), then our own packages, editable,
# without dependencies (the lock brought them) and built by the locked hatchling. pip check
# fails when a pyproject or requirements-dev.txt asks for something the lock lacks: `make lock`.
$(VENV)/.installed: requirements.lock requirements-dev.txt $(addsuffix /pyproject.toml,$(PRESENT))
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation $(addprefix -e ./,$(PRESENT))
	$(PY) -m pip check
	touch $@

install: $(VENV)/.installed ## create the virtualenv and install exactly the locked versions

# The lock files, resolved by uv for CPython 3.11+ on every platform, with hashes:
# requirements.lock (the workspace: every package's dependencies and requirements-dev.txt) and
# <service>/requirements.lock (what that service's image installs: its runtime dependencies and
# service-kit's, at the workspace lock's versions). `make lock` keeps the current pins where the
# inputs allow them; `make lock-upgrade` takes the newest versions the ranges allow.
IMAGES := gateway pets-service records-worker weather-stub recommendations-stub
UV := $(VENV)/bin/uv
UV_PIN := $(shell grep -E '^uv==' requirements-dev.txt)
UV_COMPILE = $(UV) pip compile - --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command 'make lock' $(addprefix --no-emit-package ,$(PACKAGES))

lock: ## requirements.lock and each image's lock, again from the pyprojects and requirements-dev.txt
	@test -x $(UV) || { $(PYTHON) -m venv $(VENV) && $(PY) -m pip install --quiet '$(UV_PIN)'; }
	{ printf -- '-e ./%s\n' $(PACKAGES); cat requirements-dev.txt; } \
		| $(UV_COMPILE) $(LOCK_ARGS) -o requirements.lock
	for image in $(IMAGES); do \
		printf -- './service-kit\n./%s\n' $$image \
			| $(UV_COMPILE) -c requirements.lock -o $$image/requirements.lock || exit 1; \
	done

lock-upgrade: LOCK_ARGS = --upgrade
lock-upgrade: lock ## the same, taking the newest versions the pyproject ranges allow

# The OpenAPI linter (Redocly CLI), pinned by package.json and package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Redocly CLI would otherwise report usage and look for updates over the network.
REDOCLY := REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true node_modules/.bin/redocly

run: install ## the whole suite locally (embedded Redis and Kafka), until Ctrl-C
	$(VENV)/bin/petstore run

lint: install node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m tests.deadcode
	$(PY) -m gateway.openapi > $(VENV)/openapi.json
	$(REDOCLY) lint --config redocly.yaml --format stylish --max-problems 50 $(VENV)/openapi.json
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec $(COMPOSE_FILES)
	$(VENV)/bin/kubernetes-validate --strict --quiet $(K8S_MANIFESTS)

deadcode: install ## unused functions, methods, attributes and variables (vulture; part of make lint)
	$(PY) -m tests.deadcode

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: install
	$(VENV)/bin/mypy $(addsuffix /src,$(PRESENT)) examples tests deploy

# The suite in containers (docs/docker.md): `docker compose up -d --build` where a Docker
# engine answers, else the same compose file on podman, with stand-ins for the Valkey and
# Apache Kafka images (deploy/podman/). Returns once the gateway's /readyz is 200.
# COMPOSE_PROJECT_NAME and PETSTORE_*_HOST_PORT move it (docker-compose.yml's header).
compose-up: install ## the suite in containers, in the background; prints make run's banner
	$(PY) -m deploy.stack up

compose-down: install ## remove the containers, networks and volumes of compose-up
	$(PY) -m deploy.stack down

# Its own project name and free host ports: it never meets compose-up, make run or a test.
compose-test: install ## the container test: conformance, healthchecks, --scale, restart, chaos
	PY=$(PY) bash deploy/compose-test.sh

# The console's browser tests drive Debian's chromium (Playwright, no browser download).
browser:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else echo "make: chromium is missing; install Debian's chromium package"; exit 1; fi; }

# nginx and wrk for the bench tests that drive them (tests/bench): installed with apt-get as
# root, as `make bench` does; elsewhere those few tests are skipped and say why.
bench-tools: install
	$(PY) -m bench.tools

pytest: install browser bench-tools
	$(PY) -m pytest $(PYTEST_ARGS)

screenshot: install browser ## docs/console.png: the console at work, in headless chromium
	$(PY) -m tests.console.screenshot docs/console.png

test: lint typecheck pytest ## ruff, mypy and the whole test suite

docs: install ## docs/configuration.md's tables, from the settings declarations
	$(PY) -m tests.docs.configuration

k8s-settings: install ## k8s/settings.yaml (the suite's ConfigMap), from suite.env
	$(PY) -m tests.deploy.k8s_settings

# Not part of `make test`: installs nginx and wrk with apt-get when run as root (else falls
# back to what it has, and says so), matplotlib into the venv; results in bench-results/.
bench: install ## the benchmark: gateway vs nginx vs direct vs hello-world, the 202 pipeline, tracing's cost
	$(PY) -m pip install --quiet -r bench/requirements.txt \
		|| echo "make bench: matplotlib could not be installed; bench.json only, no chart"
	$(PY) -m bench $(BENCH_ARGS)
	$(PY) -m bench.tracing_cost --rounds 6 --requests 1500

profile: install ## py-spy on the gateway under wrk: bench-results/gateway-flame.svg and the top functions
	$(PY) -m pip install --quiet -r bench/requirements.txt
	$(PY) -m bench.profile

# `make test` runs a bounded Schemathesis pass (tests/e2e/test_fuzz.py: 25 examples per
# operation, seed 1). This is the long one: every phase, FUZZ_MAX_EXAMPLES per operation,
# against a suite of its own; FUZZ_SEED=n replays or varies the sequence.
fuzz: FUZZ_MAX_EXAMPLES ?= 1000
fuzz: FUZZ_SEED ?= 1
fuzz: install ## Schemathesis against the gateway's OpenAPI document, many more examples
	FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) FUZZ_SEED=$(FUZZ_SEED) FUZZ_TIMEOUT=1700 \
		$(PY) -m pytest tests/e2e/test_fuzz.py --timeout=1800 $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
