#!/usr/bin/env bash
# Stops what up.sh started, by the PIDs it recorded, and removes what it created: pods (through the kubelets, so
# CNI DEL runs), containers and shims, kube-proxy/kubelet/portmap rules, links, routes, node2's netns, the guard,
# cgroups, mounts and state; restores the sysctls. Keeps the images cache and copies the logs to $W.logs/.
# Safe to run twice, and when up.sh failed half way. Usage: tools/cluster/down.sh
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ -d "$W" ]] || { log "down: nothing to do ($W absent)"; exit 0; }

running() { [[ -r "/proc/$1/stat" ]] && [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]; }
stop_pid() { # stop_pid <name> [grace seconds]
  local name="$1" grace="${2:-15}" pid i
  [[ -f "$W/pids/$name.pid" ]] || return 0
  pid="$(cat "$W/pids/$name.pid")"
  # A reused PID is not ours: all our processes carry a path under $W or $RUN in their arguments... except
  # containerd, whose config lives under $W too.
  # (2>/dev/null before the < : a process gone meanwhile must not print "No such file or directory")
  if kill -0 "$pid" 2>/dev/null && ! tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qE "$W|$RUN"; then
    log "pid $pid ($name) is not ours any more: left alone"
  elif kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < grace * 10; i++)); do running "$pid" || break; sleep 0.1; done
    if running "$pid"; then log "$name ($pid) did not stop: SIGKILL"; kill -KILL "$pid" 2>/dev/null; fi
  fi
  rm -f "$W/pids/$name.pid"
}

# 1. Workloads away while the kubelets still run (graceful CNI DEL and unmounts).
if alive kube-apiserver && [[ -f "$KUBECONFIG_ADMIN" ]] && [[ -n "$(ls "$W"/pids/kubelet-* 2>/dev/null)" ]]; then
  for ns in $(kc get ns -o name 2>/dev/null | cut -d/ -f2); do
    kc -n "$ns" delete deploy,ds,sts,rs,job --all --wait=false >/dev/null 2>&1
    kc -n "$ns" delete pods --all --grace-period=1 --wait=false >/dev/null 2>&1
  done
  for ((i = 0; i < 60; i++)); do [[ -z "$(kc get pods -A -o name 2>/dev/null)" ]] && break; sleep 1; done
  log "down: workloads gone after ${i}s"
fi

# 2. Node processes, leftover containers, containerd and its shims.
for n in 2 1; do
  stop_pid "kube-proxy-node$n"
  stop_pid "kubelet-node$n" 20
  sock="$RUN/node$n/containerd.sock"
  if alive "containerd-node$n" && [[ -S "$sock" ]]; then
    for t in $(ctr -a "$sock" -n k8s.io tasks ls -q 2>/dev/null); do ctr -a "$sock" -n k8s.io tasks kill -s KILL "$t" >/dev/null 2>&1; done
    sleep 1
    for t in $(ctr -a "$sock" -n k8s.io tasks ls -q 2>/dev/null); do ctr -a "$sock" -n k8s.io tasks delete -f "$t" >/dev/null 2>&1; done
    for c in $(ctr -a "$sock" -n k8s.io containers ls -q 2>/dev/null); do ctr -a "$sock" -n k8s.io containers delete "$c" >/dev/null 2>&1; done
  fi
  stop_pid "containerd-node$n"
  for p in /proc/[0-9]*; do
    cmd="$(tr '\0' ' ' 2>/dev/null <"$p/cmdline")" || continue
    if [[ "$cmd" == *containerd-shim* && "$cmd" == *"$sock"* ]]; then kill -KILL "${p#/proc/}" 2>/dev/null; fi
  done
done
for c in kube-scheduler kube-controller-manager kube-apiserver etcd; do stop_pid "$c"; done
# Anything else the tests started and recorded (e.g. an ingress controller).
for f in "$W"/pids/*.pid; do [[ -e "$f" ]] && stop_pid "$(basename "$f" .pid)"; done

# 3. kube-proxy, kubelet and portmap rules.
BINDIR="${NTO_CONTROL_PLANE_BIN:-$(ls -d "$CACHE"/control-plane/*/bin 2>/dev/null | head -n1)}"
for n in 1 2; do
  [[ $n == 2 && ! -e "/run/netns/$NODE2_NS" ]] && continue
  [[ -x "$BINDIR/kube-proxy" ]] && on_node "$n" "$BINDIR/kube-proxy" --cleanup >/dev/null 2>&1
  for t in mangle nat filter; do
    for c in KUBE-IPTABLES-HINT KUBE-KUBELET-CANARY KUBE-PROXY-CANARY; do
      on_node "$n" iptables -t "$t" -F "$c" 2>/dev/null && on_node "$n" iptables -t "$t" -X "$c" 2>/dev/null
    done
  done
  for f in ip ip6; do on_node "$n" nft delete table "$f" kube-proxy 2>/dev/null; done
done
# Host: the chains the kubelet, kube-proxy and portmap leave (KUBE-*, CNI-*), only if there were none before.
if [[ "$(cat "$W/iptables-chains.before" 2>/dev/null)" == 0 ]]; then
  for ipt in iptables ip6tables; do
    for t in filter nat mangle; do
      while read -r rule; do
        eval "$ipt -t $t ${rule/-A /-D }" 2>/dev/null
      done < <($ipt-save -t "$t" 2>/dev/null | grep -E '^-A (PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING) .*-j (KUBE|CNI)-')
      chains="$($ipt-save -t "$t" 2>/dev/null | sed -n 's/^:\(\(KUBE\|CNI\)-[^ ]*\) .*/\1/p')"
      for c in $chains; do $ipt -t "$t" -F "$c" 2>/dev/null; done
      for c in $chains; do $ipt -t "$t" -X "$c" 2>/dev/null; done
    done
  done
fi

# The iptables-nft tables that appeared with the cluster, once they hold no rule any more.
if [[ -f "$W/nft-tables.before" ]]; then
  while read -r _ family table; do
    grep -qx "table $family $table" "$W/nft-tables.before" && continue
    # Only base chains left (table/chain/type lines and braces): nothing of anyone's is in it.
    nft list table "$family" "$table" 2>/dev/null | grep -vE '^\s*(table |chain |type |\}|$)' | grep -q . && continue
    nft delete table "$family" "$table" 2>/dev/null
  done < <(nft list tables 2>/dev/null)
fi

# 4. Mounts under our directories (container rootfs, volumes, sandbox shm), deepest first; pod netns.
for ((i = 0; i < 3; i++)); do
  mapfile -t mnts < <(awk -v w="$W" -v r="$RUN" 'index($2, w "/") == 1 || index($2, r "/") == 1 {print $2}' /proc/mounts | sort -r)
  ((${#mnts[@]})) || break
  for m in "${mnts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
done
for nsf in /run/netns/cni-*; do
  [[ -e "$nsf" ]] || continue
  grep -qx "$(basename "$nsf")" "$W/netns.before" 2>/dev/null && continue
  umount "$nsf" 2>/dev/null || umount -l "$nsf" 2>/dev/null
  rm -f "$nsf"
done

# 5. Network: routes, links, node2's netns, the guard.
ip route del "$NODE2_POD_CIDR" 2>/dev/null
ip route del "$SVC_CIDR" dev "$NODE_BR" 2>/dev/null
ip route del "$LB_CIDR" dev "$NODE_BR" 2>/dev/null
for l in ntocni1 ntocni2 nto-n2-h "$NODE_BR"; do ip link del "$l" 2>/dev/null; done
nft delete table inet "$GUARD_TABLE" 2>/dev/null
[[ -e "/run/netns/$NODE2_NS" ]] && ip netns del "$NODE2_NS"
if [[ ! -f "$W/run-netns-mounted.existed" ]] && mountpoint -q /run/netns 2>/dev/null && [[ -z "$(ls -A /run/netns)" ]]; then
  umount /run/netns 2>/dev/null
fi

# 6. Cgroups the kubelets and containerds made (empty by now), deepest first.
for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/unified/; do
  for top in kubepods nto-node2 k8s.io; do
    [[ -d "$h$top" ]] || continue
    find "$h$top" -depth -type d -exec rmdir {} \; 2>/dev/null
    [[ -d "$h$top" ]] && log "down: cgroup $h$top still present (busy)"
  done
done

# 7. Sysctls back to what they were.
if [[ -f "$W/sysctl.saved" ]]; then
  while IFS=' =' read -r k v; do [[ -n "$k" ]] && sysctl -qw "$k=$v" 2>/dev/null; done < <(sed 's/ = /=/' "$W/sysctl.saved")
fi

# 8. State; logs kept beside it.
[[ -f "$W/var-lib-cni.existed" ]] || rm -rf /var/lib/cni
find /var/log/containers -maxdepth 1 -type l -lname "$W/*" -delete 2>/dev/null
[[ -f "$W/var-log-containers.existed" ]] || rmdir /var/log/containers 2>/dev/null
rm -rf "$W.logs" && mkdir -p "$W.logs"
cp -r "$W/logs/." "$W.logs/" 2>/dev/null
cp "$W/times.txt" "$W.logs/" 2>/dev/null
if awk -v w="$W" -v r="$RUN" 'index($2, w "/") == 1 || index($2, r "/") == 1' /proc/mounts | grep -q .; then
  log "down: mounts remain under $W or $RUN: not removing them"
  exit 1
fi
rm -rf "$W" "$RUN"
log "down: done (logs in $W.logs)"
