#!/usr/bin/env bash
# Makes sure the Prometheus tools the tests run are on PATH: promtool (rule checker and unit-test runner),
# amtool (Alertmanager config checker), and the prometheus and prometheus-alertmanager servers that the
# live suite (test/live) starts on loopback ports. Exits 0 when they are there (installing Debian's
# packages if we are root on a Debian/Ubuntu machine), else prints the command to run and exits 1:
# a machine without them fails, it never skips.
set -euo pipefail

TOOLS=(promtool amtool prometheus prometheus-alertmanager)
# Builtins only: the tests run this script with a PATH holding nothing but the tools it looks for.
missing() { local out=''; for tool in "${TOOLS[@]}"; do command -v "$tool" >/dev/null 2>&1 || out+="$tool "; done; printf '%s' "$out"; }

if [ -z "$(missing)" ]; then
  exit 0
fi

install_cmd='apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus prometheus-alertmanager'

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "not found: $(missing)- installing Debian's prometheus and prometheus-alertmanager packages" >&2
  # The packages' maintainer scripts would start both servers as services; the tests start their own on
  # free ports. policy-rc.d exit 101 is Debian's documented way to forbid service starts during installs.
  policy=/usr/sbin/policy-rc.d
  own_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=true
  fi
  status=0
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus prometheus-alertmanager; } || status=$?
  if [ "$own_policy" = true ]; then rm -f "$policy"; fi
  # Where systemd runs the units anyway (policy-rc.d does not bind systemctl), stop them.
  if command -v systemctl >/dev/null 2>&1; then
    systemctl stop prometheus.service prometheus-alertmanager.service prometheus-node-exporter.service 2>/dev/null || true
  fi
  if [ "$status" -eq 0 ] && [ -z "$(missing)" ]; then
    exit 0
  fi
  echo "installing the packages failed or left $(missing)missing" >&2
  exit 1
fi

echo "not found on PATH: $(missing)" >&2
echo "promtool, amtool, prometheus and prometheus-alertmanager are needed. Install them with:" >&2
echo "  sudo sh -c '${install_cmd}'" >&2
echo "or download Prometheus and Alertmanager from https://prometheus.io/download/ and put the binaries on PATH." >&2
exit 1
