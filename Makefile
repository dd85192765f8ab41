# The two commands a newcomer runs (see README): `make demo` and `make test`.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never

.PHONY: bootstrap demo test lint typecheck bench docs soak

bootstrap:
	@scripts/bootstrap

## Demo of the SDK against a local open-source gateway and a fake provider (starts and stops them itself).
demo: bootstrap
	uv run python -m examples.demo

## The whole test suite (starts every server it needs).
test: bootstrap
	uv run pytest

lint: bootstrap
	uv run ruff check .
	uv run ruff format --check .
	uv run mypy packages tests examples bench

typecheck: bootstrap
	UV_PROJECT_ENVIRONMENT=.venv-typecheck uv sync --quiet --locked --all-packages --no-editable \
		--reinstall-package portkey-core --reinstall-package portkey-admin \
		--reinstall-package portkey-langchain --reinstall-package portkey-llamaindex
	UV_PROJECT_ENVIRONMENT=.venv-typecheck uv run --no-sync pyright

bench: bootstrap
	uv run python -m bench

## The documentation site (mkdocs.yml) into site/, strict: a broken link, anchor or API reference fails.
docs: bootstrap
	NO_MKDOCS_2_WARNING=1 uv run --group docs mkdocs build --strict

## The soak (reliability matrix L3): 30 minutes of the async client and the log shipper against a local load server;
## fails on RSS growth above 1 MiB per 10 minutes, leaked file descriptors or threads, raw errors or any lost log.
soak: bootstrap
	uv run python -m tests.load.soak --minutes 30
