# Two commands on a fresh machine: `make run` (the main job) and `make test` (the whole suite).
# Each creates .venv from a Python >= 3.12 and installs the project into it.

VENV := .venv
PY := $(VENV)/bin/python
OUT ?= out

# python3.12 / python3.13 on PATH (pyenv shims that fail without PYENV_VERSION are skipped), then
# pyenv's own 3.12 or newer.
define find_python
for c in python3.12 python3.13 python3; do \
  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
    command -v $$c; exit 0; fi; \
done; \
if command -v pyenv >/dev/null 2>&1; then \
  for v in $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.12\.'; pyenv versions --bare 2>/dev/null | grep -E '^3\.1[3-9]\.'); do \
    p="$$(pyenv root)/versions/$$v/bin/python3"; \
    if [ -x "$$p" ]; then echo "$$p"; exit 0; fi; \
  done; \
fi; \
exit 1
endef

.PHONY: run test lint venv clean

$(PY):
	@python="$$($(find_python))" || { \
	  echo "error: no Python >= 3.12 found (tried python3.12, python3.13, python3, pyenv 3.12+)." >&2; \
	  echo "Install Python 3.12 (e.g. 'pyenv install 3.12') and run make again." >&2; exit 1; }; \
	echo "creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,build,viz,cluster]'
	@touch $@

venv: $(VENV)/.installed-test

run: $(VENV)/.installed-run
	$(VENV)/bin/mxstab compare --out $(OUT)/compare

test: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/python -m pytest

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
