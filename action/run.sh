#!/usr/bin/env bash
# The GitHub Action's check step (see action.yml). Inputs arrive as
# INPUT_* variables; `lockstep` must be on PATH. Writes `exit-code` (and
# `sarif-file`) to $GITHUB_OUTPUT and exits 0, so that a SARIF upload can
# still run; the action's last step fails the job by the exit code.
set -uo pipefail

paths_input="${INPUT_PATHS:-.}"
config="${INPUT_CONFIG:-}"
changed_since="${INPUT_CHANGED_SINCE:-}"
baseline="${INPUT_BASELINE:-}"
sarif="${INPUT_SARIF:-false}"
extra="${INPUT_ARGS:-}"
summary="${INPUT_SUMMARY:-true}"
comment="${INPUT_COMMENT:-false}"
pr_number="${INPUT_PR_NUMBER:-}"
output="${GITHUB_OUTPUT:-/dev/null}"

args=(check)
# Paths: separated by spaces or newlines.
read -r -a paths <<<"$(printf '%s' "$paths_input" | tr '\n' ' ')"
args+=("${paths[@]}")
if [ -n "$config" ]; then
  args+=(--config "$config")
fi
if [ -n "$baseline" ]; then
  args+=(--baseline "$baseline")
fi
if [ -n "$extra" ]; then
  read -r -a more <<<"$extra"
  args+=("${more[@]}")
fi

if [ -n "$changed_since" ]; then
  # actions/checkout fetches one commit by default: make sure the base
  # commit and the history back to it are here.
  if ! git cat-file -e "${changed_since}^{commit}" 2>/dev/null; then
    echo "lockstep: fetching ${changed_since}"
    # A branch name (into origin/NAME), else a commit id.
    if git fetch --no-tags --quiet origin "+refs/heads/${changed_since}:refs/remotes/origin/${changed_since}" 2>/dev/null; then
      changed_since="origin/${changed_since}"
    else
      git fetch --no-tags --quiet origin "$changed_since" 2>/dev/null || true
    fi
  fi
  if ! git merge-base "$changed_since" HEAD >/dev/null 2>&1 &&
    [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = "true" ]; then
    echo "lockstep: the clone is shallow; fetching the history back to ${changed_since}"
    git fetch --no-tags --quiet --unshallow origin 2>/dev/null || true
  fi
  args+=(--changed-since "$changed_since")
fi

if [ "$sarif" = "true" ]; then
  file="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/lockstep.sarif"
  lockstep "${args[@]}" --format sarif >"$file"
  code=$?
  echo "sarif-file=$file" >>"$output"
  echo "lockstep: exit code $code; findings are in $file"
else
  lockstep "${args[@]}" --format github
  code=$?
fi
echo "exit-code=$code" >>"$output"

# The pull-request report: which translated sections this change made
# stale, with the source diffs; to the job summary, and (if asked) as one
# sticky comment on the pull request.
if [ -n "$changed_since" ] && { [ "$summary" = "true" ] || [ "$comment" = "true" ]; }; then
  report="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/lockstep-report.md"
  root="${paths[0]:-.}"
  status_args=(status "$root" --changed-since "$changed_since" --format markdown --output "$report")
  if [ -n "$config" ]; then
    status_args+=(--config "$config")
  fi
  if [ -n "${GITHUB_SERVER_URL:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ] && [ -n "${GITHUB_SHA:-}" ]; then
    sub=""
    if [ "$root" != "." ]; then
      sub="${root#./}"
      sub="${sub%/}/"
    fi
    status_args+=(--link-base "${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/blob/${GITHUB_SHA}/${sub}")
  fi
  if lockstep "${status_args[@]}"; then
    if [ "$summary" = "true" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
      cat "$report" >>"$GITHUB_STEP_SUMMARY"
    fi
    if [ "$comment" = "true" ]; then
      if [ -z "$pr_number" ]; then
        echo "lockstep: no pull request number: the comment is not posted"
      elif ! GITHUB_TOKEN="${INPUT_GITHUB_TOKEN:-${GITHUB_TOKEN:-}}" lockstep comment "$report" --pr "$pr_number"; then
        echo "lockstep: the pull-request comment could not be posted"
      fi
    fi
  else
    echo "lockstep: the pull-request report could not be made"
  fi
fi
exit 0
