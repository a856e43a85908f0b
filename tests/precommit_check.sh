#!/usr/bin/env bash
# Runs the hooks of .pre-commit-hooks.yaml (afc-fmt, afc-check, afc-compile-check) with the
# real pre-commit framework, installed as a git hook in a scratch repository whose
# .pre-commit-config.yaml names a repository holding this checkout's hook definitions, and
# makes real commits: an unformatted flow is fixed and the commit stops, a flow with an error
# stops it, a stale bundle stops it, and a clean flow with its current bundle goes through.
#
#   tests/precommit_check.sh AFC_BINARY
#
# Installs pre-commit from PyPI (tests/requirements-precommit.txt) into a scratch venv; prints
# why it skipped when that is not possible.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
afc="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! python3 -m venv "$work/venv" >/dev/null 2>&1 ||
  ! "$work/venv/bin/pip" install -q -r "$root/tests/requirements-precommit.txt" >/dev/null 2>&1; then
  echo "skipped: could not install pre-commit from PyPI (tests/requirements-precommit.txt)"
  exit 0
fi
export PATH="$(dirname "$afc"):$work/venv/bin:$PATH"
export PRE_COMMIT_HOME="$work/cache"
export GIT_CONFIG_GLOBAL="$work/gitconfig" GIT_CONFIG_NOSYSTEM=1
git config --global user.name "afc test"
git config --global user.email "afc@example.invalid"
git config --global init.defaultBranch main
git config --global protocol.file.allow always

# The hook repository: this checkout's .pre-commit-hooks.yaml as it is now.
hooks="$work/hooks"
mkdir -p "$hooks"
cp "$root/.pre-commit-hooks.yaml" "$hooks/"
git -C "$hooks" init -q
git -C "$hooks" add .pre-commit-hooks.yaml
git -C "$hooks" commit -q -m hooks
rev="$(git -C "$hooks" rev-parse HEAD)"

repo="$work/flows"
mkdir -p "$repo/flows"
cd "$repo"
git init -q
cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: $hooks
    rev: $rev
    hooks:
      - id: afc-fmt
      - id: afc-check
      - id: afc-compile-check
YAML
pre-commit install >/dev/null

fail() {
  echo "pre-commit check: $*" >&2
  exit 1
}
# commit MESSAGE: commits what is staged; prints pre-commit's output; returns git's status.
commit() {
  git commit -q -m "$1" >"$work/out" 2>&1
  local code=$?
  cat "$work/out"
  return "$code"
}

# 1. A clean flow with its bundle goes through.
cp "$root/examples/bec-invoice-fraud.af" flows/bec.af
afc compile flows/bec.af -o flows/bec.json
git add .pre-commit-config.yaml flows
commit "a clean flow" || fail "a clean flow with its current bundle was refused"

# 2. An unformatted flow: afc-fmt rewrites it and the commit stops; staged again, it passes.
sed 's/^  scope: /  scope:    /' "$root/examples/bec-invoice-fraud.af" >flows/bec.af
git add flows/bec.af
if commit "unformatted"; then fail "an unformatted flow was committed"; fi
grep -q "files were modified by this hook" "$work/out" || fail "afc-fmt did not report the fix"
afc fmt --check flows/bec.af >/dev/null || fail "afc-fmt did not format the file"
git add flows/bec.af
if ! git diff --cached --quiet; then fail "the formatted flow differs from the committed one"; fi

# 3. A flow with an error stops the commit, with the diagnostic in the output.
printf '\naction broken T1566.001 { asset_refs: [nowhere] }\n' >>flows/bec.af
git add flows/bec.af
if commit "an error"; then fail "a flow with an error was committed"; fi
grep -q "afc check.*Failed" "$work/out" || fail "afc-check did not fail"
grep -q "E0" "$work/out" || fail "the error's code is not in the output"
git checkout -q HEAD -- flows/bec.af

# 4. A changed flow whose bundle was not recompiled stops the commit.
sed 's/Invoice/Payment/' flows/bec.af >"$work/changed.af" && mv "$work/changed.af" flows/bec.af
git add flows/bec.af
if commit "stale bundle"; then fail "a flow with a stale bundle was committed"; fi
grep -q "afc compile --check.*Failed" "$work/out" || fail "afc-compile-check did not fail"
grep -q "out of date" "$work/out" || fail "afc-compile-check did not say which bundle is stale"
afc compile flows/bec.af -o flows/bec.json
git add flows
commit "recompiled" || fail "the recompiled bundle was refused"

echo "pre-commit hooks: 4 scenarios passed (clean, formatted, error, stale bundle)"
