#!/usr/bin/env bash
# Prints the workspace version (the afc crate's), e.g. 0.1.0.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo pkgid --offline -p afc 2>/dev/null | sed 's/.*[#@]//' || cargo pkgid -p afc | sed 's/.*[#@]//'
