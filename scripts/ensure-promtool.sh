#!/usr/bin/env bash
# Makes sure promtool (Prometheus' rule checker and unit-test runner) is on PATH: the generated
# promtool tests run under it. Exits 0 when it is there (installing it if we are root on a Debian/Ubuntu
# machine), else prints the command to run and exits 1.
set -euo pipefail

if command -v promtool >/dev/null 2>&1; then
  exit 0
fi

install_cmd='apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus'

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "promtool not found; installing Debian's prometheus package (it ships promtool)" >&2
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus
  # The package may start a Prometheus server; tests only need the promtool binary.
  systemctl stop prometheus 2>/dev/null || pkill -x prometheus || true
  if command -v promtool >/dev/null 2>&1; then
    exit 0
  fi
  echo "installed the prometheus package, but promtool is still not on PATH" >&2
  exit 1
fi

echo "promtool not found. Install it with:" >&2
echo "  sudo sh -c '${install_cmd}'" >&2
echo "or download it from https://prometheus.io/download/ and put it on PATH." >&2
exit 1
