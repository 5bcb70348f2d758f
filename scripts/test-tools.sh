#!/usr/bin/env bash
# Installs the system tools the tests use, when missing (Debian): dig and nslookup
# (bind9-dnsutils), kdig (knot-dnsutils), dnsmasq (a real upstream for forward
# tests), ip (iproute2, for network-namespace tests), setcap (libcap2-bin: the image's
# file capability, replayed by the deploy tests), openssl (the Kubernetes API emulator's
# HTTPS certificate), dnsperf (the bench's smoke test).
set -euo pipefail
missing=()
command -v dig >/dev/null || missing+=(bind9-dnsutils)
command -v kdig >/dev/null || missing+=(knot-dnsutils)
command -v dnsmasq >/dev/null || missing+=(dnsmasq-base)
command -v ip >/dev/null || missing+=(iproute2)
command -v setcap >/dev/null || missing+=(libcap2-bin)
command -v openssl >/dev/null || missing+=(openssl)
command -v dnsperf >/dev/null || missing+=(dnsperf)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "test-tools: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "test-tools: not root; install these packages first: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
