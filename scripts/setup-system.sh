#!/usr/bin/env bash
# Install the Debian packages the tests and the minute need, only those that are missing:
# Chromium for the browser tests, Liberation Serif (a Times-compatible Unicode font with every
# Vietnamese letter, for the printed minute, with Liberation Mono for its digests), DejaVu (the
# token cards' monospace codes in the browser), poppler-utils (PDF → PNG
# and PDF → text for the tests), iproute2 (`ip`, to give the demo tests a network namespace of
# their own).
set -euo pipefail
packages=(chromium fonts-liberation2 fonts-dejavu-core poppler-utils iproute2)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "setup: apt-get not found; please install: ${missing[*]}" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
