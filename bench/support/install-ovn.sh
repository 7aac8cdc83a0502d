#!/usr/bin/env bash
# The fleet bench's baseline: Debian's OVN (ovn-central for the northbound/southbound databases
# and ovn-northd, ovn-host for ovn-controller). Installed only for `npm run bench -- fleet`, not
# for every `npm test`. The packages' own services are never started (policy-rc.d 101): the bench
# runs its own daemons in temp dirs.
set -euo pipefail
say() { printf 'install-ovn: %s\n' "$*" >&2; }
die() { printf 'install-ovn: error: %s\n' "$*" >&2; exit 1; }
command -v ovn-nbctl >/dev/null && command -v ovn-northd >/dev/null && command -v ovn-controller >/dev/null && exit 0
command -v apt-get >/dev/null || die "apt-get not found: install OVN (ovn-central, ovn-host) by other means, then run the bench again"
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run '$*' (not root, no sudo). Run it yourself, then run the bench again."; fi
}
say "apt-get update"
as_root apt-get update -qq >&2 || die "apt-get update failed"
policy=/usr/sbin/policy-rc.d created_policy=0
if [ ! -e $policy ]; then as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod +x $policy"; created_policy=1; fi
say "installing Debian packages: ovn-central ovn-host"
status=0
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends ovn-central ovn-host >&2 || status=$?
[ $created_policy = 1 ] && as_root rm -f $policy
[ $status = 0 ] || die "apt-get install ovn-central ovn-host failed (see above)"
