#!/usr/bin/env bash
# Install the Debian packages listed in scripts/system-packages.txt (OCR, browser for tests).
# Idempotent: only missing packages are installed.
set -euo pipefail
list="$(dirname "$0")/system-packages.txt"
mapfile -t packages < <(grep -v '^\s*#' "$list" | grep -v '^\s*$' || true)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: all present"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
