#!/usr/bin/env bash
# Installs a released afc for the GitHub Action (action.yml), or checks the one on PATH.
#   AFC_VERSION     a version such as 0.1.0 or v0.1.0, `latest`, or `installed`; empty: the
#                   version of the action's own tag (uses: owner/afc@v0.1.0), else latest
#   AFC_REPOSITORY  owner/name of the GitHub repository whose releases to use; empty: the one
#                   the action comes from
# Downloads the release archive for this runner, verifies its SHA-256 sum and puts afc on PATH
# (GITHUB_PATH) for the following steps.
set -euo pipefail
version="${AFC_VERSION:-}"
repo="${AFC_REPOSITORY:-}"
# An action checked out by the runner lives in .../_actions/OWNER/NAME/REF.
action_path="${GITHUB_ACTION_PATH:-}"
action_ref="$(basename "$action_path")"
if [ -z "$repo" ] && [[ "$action_path" == */_actions/*/*/* ]]; then
  repo="$(basename "$(dirname "$(dirname "$action_path")")")/$(basename "$(dirname "$action_path")")"
fi
[ -n "$repo" ] || repo="afc-dev/afc"
if [ -z "$version" ]; then
  if [[ "$action_ref" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    version="$action_ref"
  else
    version=latest
  fi
fi

if [ "$version" = installed ]; then
  if ! command -v afc >/dev/null 2>&1; then
    echo "::error title=afc::version is 'installed' but there is no afc on PATH"
    exit 1
  fi
  afc --version
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) target=x86_64-unknown-linux-musl ;;
  Linux-aarch64 | Linux-arm64) target=aarch64-unknown-linux-musl ;;
  Darwin-x86_64) target=x86_64-apple-darwin ;;
  Darwin-arm64) target=aarch64-apple-darwin ;;
  MINGW*-x86_64 | MSYS*-x86_64 | CYGWIN*-x86_64) target=x86_64-pc-windows-msvc ;;
  *)
    echo "::error title=afc::no afc release for $(uname -s) $(uname -m); install afc yourself and set version: installed"
    exit 1
    ;;
esac

if [ "$version" = latest ]; then
  # The latest release page redirects to .../releases/tag/vX.Y.Z.
  page="$(curl -fsSLI --retry 3 -o /dev/null -w '%{url_effective}' "https://github.com/$repo/releases/latest")"
  version="${page##*/}"
fi
version="${version#v}"
case "$version" in
  [0-9]*.[0-9]*.[0-9]*) ;;
  *)
    echo "::error title=afc::cannot tell which afc release to install (version '$version')"
    exit 1
    ;;
esac

ext=tar.gz
case "$target" in *windows*) ext=zip ;; esac
name="afc-$version-$target"
base="https://github.com/$repo/releases/download/v$version"
dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/afc-install-$version"
mkdir -p "$dir"
curl -fsSL --retry 3 -o "$dir/$name.$ext" "$base/$name.$ext"
curl -fsSL --retry 3 -o "$dir/$name.$ext.sha256" "$base/$name.$ext.sha256"
(
  cd "$dir"
  if command -v sha256sum >/dev/null 2>&1; then sha256sum -c "$name.$ext.sha256"; else shasum -a 256 -c "$name.$ext.sha256"; fi
  if [ "$ext" = zip ]; then
    if command -v unzip >/dev/null 2>&1; then unzip -q -o "$name.$ext"; else tar -xf "$name.$ext"; fi
  else
    tar -xzf "$name.$ext"
  fi
)
echo "$dir/$name" >>"${GITHUB_PATH:-/dev/null}"
"$dir/$name/afc" --version
