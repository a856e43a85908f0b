#!/usr/bin/env bash
# Runs afc for the GitHub Action (action.yml): `afc check` and `afc compile --check` on the
# flows, `afc validate` on the bundles, with annotations (--format github) on the pull
# request; writes SARIF logs, step outputs and a job summary (counts per command and a Mermaid
# picture of each changed flow). Always exits 0 when it could run; the output `failed` says
# whether a command failed (the action's last step turns it into the job's result).
#
# Inputs (environment): INPUT_FLOWS, INPUT_BUNDLES (whitespace-separated files, directories or
# glob patterns, which afc expands itself), INPUT_COMPILE_CHECK, INPUT_DENY_WARNINGS,
# INPUT_ATTACK_BUNDLE, INPUT_SUMMARY, INPUT_MAX_PICTURES, AFC_BASE (the commit to compare with
# for "changed flows"), GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP.
set -uo pipefail
set -f # patterns are for afc to expand, not the shell

afc="${AFC:-afc}"
read -r -a flows <<<"$(printf '%s' "${INPUT_FLOWS:-}" | tr '\n' ' ')"
read -r -a bundles <<<"$(printf '%s' "${INPUT_BUNDLES:-}" | tr '\n' ' ')"
# ${a[@]+"${a[@]}"}: an empty array under `set -u` in bash 3 (macOS) too.
catalog=()
[ -n "${INPUT_ATTACK_BUNDLE:-}" ] && catalog=(--attack-bundle "$INPUT_ATTACK_BUNDLE")
flags=(${catalog[@]+"${catalog[@]}"})
[ "${INPUT_DENY_WARNINGS:-false}" = true ] && flags+=(--deny-warnings)
out_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/afc-action"
mkdir -p "$out_dir"
output() { echo "$1=$2" >>"${GITHUB_OUTPUT:-/dev/null}"; }

failed=false
rows=()
total_errors=0
total_warnings=0

# count LEVEL SARIF_FILE: how many results of that level the log holds.
count() { jq "[.runs[].results[] | select(.level == \"$1\")] | length" "$2" 2>/dev/null || echo "?"; }

# diagnose NAME COMMAND ARGS...: runs `afc COMMAND --format github ARGS` (annotations, exit
# code) and `--format sarif` (the log and the counts), and adds a summary row.
diagnose() {
  local name="$1" command="$2"
  shift 2
  local sarif="$out_dir/afc-$command.sarif" status=passed
  echo "::group::afc $command"
  "$afc" "$command" --format github ${flags[@]+"${flags[@]}"} "$@"
  local code=$?
  echo "::endgroup::"
  "$afc" "$command" --format sarif ${flags[@]+"${flags[@]}"} "$@" >"$sarif" 2>/dev/null
  if [ "$code" -ne 0 ]; then
    status=failed
    failed=true
  fi
  local e w n
  e="$(count error "$sarif")"
  w="$(count warning "$sarif")"
  n="$(count note "$sarif")"
  [[ "$e" =~ ^[0-9]+$ ]] && total_errors=$((total_errors + e))
  [[ "$w" =~ ^[0-9]+$ ]] && total_warnings=$((total_warnings + w))
  [ "$code" -eq 2 ] && status="failed (usage or I/O error, see the log)"
  rows+=("| \`$name\` | $status | $e | $w | $n |")
  output "$command-sarif" "$sarif"
}

if [ "${#flows[@]}" -gt 0 ]; then
  diagnose "afc check" check "${flows[@]}"
  if [ "${INPUT_COMPILE_CHECK:-true}" = true ]; then
    echo "::group::afc compile --check"
    stale="$("$afc" compile --check --format github ${flags[@]+"${flags[@]}"} "${flows[@]}" 2>&1)"
    code=$?
    printf '%s\n' "$stale"
    echo "::endgroup::"
    n_stale="$(grep -c ': out of date' <<<"$stale")"
    if [ "$code" -eq 0 ]; then
      rows+=("| \`afc compile --check\` | passed | | | |")
    elif [ "$n_stale" -gt 0 ]; then
      failed=true
      rows+=("| \`afc compile --check\` | failed: $n_stale bundle(s) out of date or missing | | | |")
    else
      failed=true
      rows+=("| \`afc compile --check\` | failed (flows with errors are not compiled; see the log) | | | |")
    fi
  fi
fi
if [ "${#bundles[@]}" -gt 0 ]; then
  diagnose "afc validate" validate "${bundles[@]}"
fi

output errors "$total_errors"
output warnings "$total_warnings"
output failed "$failed"

[ "${INPUT_SUMMARY:-true}" = true ] || exit 0
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
{
  echo "## afc"
  echo
  echo "| command | result | errors | warnings | notes |"
  echo "|---|---|---|---|---|"
  printf '%s\n' ${rows[@]+"${rows[@]}"}
  echo
} >>"$summary"

# Changed flows: .af files that differ from the base commit, drawn with Mermaid.
[ "${#flows[@]}" -gt 0 ] || exit 0
base="${AFC_BASE:-}"
if [ -z "$base" ] || [ "$base" = 0000000000000000000000000000000000000000 ]; then
  exit 0
fi
if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
  git fetch --quiet --depth=1 origin "$base" 2>/dev/null || true
fi
if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
  echo "_Changed flows are not drawn: commit $base is not in the checkout._" >>"$summary"
  exit 0
fi
changed=()
while IFS= read -r f; do
  changed+=("$f")
done < <(git diff --name-only --diff-filter=AMR "$base" HEAD -- '*.af')
[ "${#changed[@]}" -gt 0 ] || exit 0
max="${INPUT_MAX_PICTURES:-10}"
{
  echo "### Changed flows"
  echo
  shown=0
  for f in "${changed[@]}"; do
    if [ "$shown" -ge "$max" ]; then
      echo "_…and $((${#changed[@]} - shown)) more._"
      break
    fi
    echo "#### \`$f\`"
    echo
    if picture="$("$afc" render --to mermaid ${catalog[@]+"${catalog[@]}"} "$f" 2>/dev/null)"; then
      echo '```mermaid'
      printf '%s\n' "$picture"
      echo '```'
    else
      echo "_Not drawn: the flow has errors (see \`afc check\` above)._"
    fi
    echo
    shown=$((shown + 1))
  done
} >>"$summary"
exit 0
