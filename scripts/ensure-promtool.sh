#!/usr/bin/env bash
# Makes sure promtool (Prometheus' rule checker and unit-test runner) and amtool (Alertmanager's config
# checker) are on PATH: the generated promtool tests and the inhibit-rule checks run under them. Exits 0 when it is there (installing it if we are root on a Debian/Ubuntu
# machine), else prints the command to run and exits 1.
set -euo pipefail

have_tools() { command -v promtool >/dev/null 2>&1 && command -v amtool >/dev/null 2>&1; }

if have_tools; then
  exit 0
fi

install_cmd='apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus prometheus-alertmanager'

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "promtool/amtool not found; installing Debian's prometheus and prometheus-alertmanager packages" >&2
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus prometheus-alertmanager
  # The packages may start servers; the tests only need the promtool and amtool binaries.
  systemctl stop prometheus prometheus-alertmanager 2>/dev/null || true
  pkill -x prometheus || true
  pkill -f /usr/bin/prometheus-alertmanager || true
  if have_tools; then
    exit 0
  fi
  echo "installed the packages, but promtool or amtool is still not on PATH" >&2
  exit 1
fi

echo "promtool or amtool not found. Install them with:" >&2
echo "  sudo sh -c '${install_cmd}'" >&2
echo "or download them from https://prometheus.io/download/ and put them on PATH." >&2
exit 1
