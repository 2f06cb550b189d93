#!/usr/bin/env bash
# Installs the Debian packages that edge-lab's real-software tests use (BIND, iptables and network namespaces,
# nginx, Chromium, tmux, ...). Without them `npm test` still passes and lists those suites as skipped; with them
# nothing is skipped. Run as root (or with sudo) on Debian / Ubuntu. Installs only what is missing.
set -euo pipefail

# One line per package, with what needs it.
APT_PACKAGES=(
  bind9 bind9-utils bind9-dnsutils # zone files: named-checkzone; split-view DNS served by named, queried with dig
  iptables iproute2 util-linux procps # the appliance ruleset in network namespaces (ip netns, unshare, sysctl)
  nginx openssl                       # the reverse proxy configuration, with test certificates
  chromium fonts-dejavu-core          # the diagrams rendered to PNG
  tmux                                # edge-lab init answered in a real terminal
  coturn nftables                     # edge-lab emulate: the A/V Edge as a TURN server, internal firewall and HLB
  git                                 # diff <rev>:<path> and the build tests' repository copies
  libnice-dev pkg-config gcc          # edge-lab probe: the MS-TURN codec checked by libnice's STUN library (test/probe/nice-stun.c)
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  # Installed means dpkg's status "install ok installed" (a removed package keeps other status lines).
  [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ] || missing+=("$pkg")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-test-tools: everything is installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-tools: missing ${missing[*]}; run as root (sudo $0)" >&2
  exit 1
fi
echo "install-test-tools: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
