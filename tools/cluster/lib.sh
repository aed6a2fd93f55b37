# Settings and helpers shared by up.sh, down.sh and images.sh (sourced, not run).
# shellcheck shell=bash
# Root's tools (ip, nft, iptables, sysctl) live in the sbin directories, which a minimal PATH may lack.
export PATH="/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
CLUSTER_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_DIR="$(cd "$CLUSTER_HOME/../.." && pwd)"
# Everything a running cluster has (state, certificates, logs, PIDs): removed by down.sh.
W="${NTO_CLUSTER_DIR:-/tmp/nto-cluster}"
RUN=/run/nto-cluster
CACHE="${NTO_CACHE:-$HOME/.cache/network-topology-operator}"
IMAGES="$CACHE/cluster-images"
# Kubernetes, etcd and CoreDNS binaries: tools/control-plane/build.sh (prints its bin dir last; fast when cached).
BIN="${NTO_CONTROL_PLANE_BIN:-}"
bin_dir() {
  [[ -n "$BIN" ]] || BIN="$("$PROJECT_DIR/tools/control-plane/build.sh" | tail -n1)"
  echo "$BIN"
}

# --- addresses: all virtual, inside this machine -------------------------------------------
NODE_BR=nto-br0                  # the "node network": a bridge in the host network namespace
NODE_NET=10.99.0.0/24
NODE1_IP=10.99.0.1               # node1 lives in the host netns; the control plane listens here too
NODE2_IP=10.99.0.2               # node2 lives in the netns nto-node2, on a veth to nto-br0
NODE2_NS=nto-node2
POD_CIDR=10.244.0.0/16
NODE1_POD_CIDR=10.244.0.0/24
NODE2_POD_CIDR=10.244.1.0/24
SVC_CIDR=10.96.0.0/16
DNS_IP=10.96.0.10
LB_CIDR=10.99.1.0/24             # LoadBalancer addresses (lb.py hands them out; kube-proxy serves them)
ETCD_PORT=12379
ETCD_PEER_PORT=12380
API_PORT=16443
KCM_PORT=20257
SCHED_PORT=20259
API="https://$NODE1_IP:$API_PORT"
PROXY_MODE="${PROXY_MODE:-iptables}"   # iptables | nftables
export CONTAINERD="${CONTAINERD:-1}"        # 1: Debian's containerd 1.6 | 2: containerd 2 from Go modules (build.sh builds it)
GUARD_TABLE=nto_cluster_guard

# --- images (no registry: OCI archives imported into each node's containerd) ----------------
PAUSE_IMAGE=localhost/nto/pause:3.10
BUSYBOX_IMAGE=localhost/nto/busybox:1.35
COREDNS_IMAGE=localhost/nto/coredns:local
TRAEFIK_IMAGE=localhost/nto/traefik:local
OPERATOR_IMAGE="${OPERATOR_IMAGE:-localhost/network-topology-operator:dev}"

KUBECONFIG_ADMIN="$W/admin.kubeconfig"

log() { echo "[$(date +%T)] cluster: $*" >&2; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs_since() { local d=$(($(now_ms) - $1)); printf '%d.%03d' $((d / 1000)) $((d % 1000)); }
kc() { "$(bin_dir)/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }
ctr_node() { local n="$1"; shift; ctr -a "$RUN/node$n/containerd.sock" -n k8s.io "$@"; }
# Runs a command in node n's network namespace (node1: the host's).
on_node() {
  local n="$1"; shift
  if [[ "$n" == 1 ]]; then "$@"; else nsenter --net="/run/netns/$NODE2_NS" -- "$@"; fi
}

# start <name> <node> <cmd...>: a background process in node's netns; pid in $W/pids/<name>.pid, log in $W/logs.
# nsenter --net only (not `ip netns exec`, which remounts /sys and hides the cgroup mounts the kubelet needs).
start() {
  local name="$1" node="$2"
  shift 2
  mkdir -p "$W/pids" "$W/logs"
  if [[ "$node" == 2 ]]; then
    setsid nsenter --net="/run/netns/$NODE2_NS" -- "$@" >"$W/logs/$name.log" 2>&1 </dev/null &
  else
    setsid "$@" >"$W/logs/$name.log" 2>&1 </dev/null &
  fi
  echo $! >"$W/pids/$name.pid"
}
alive() { [[ -f "$W/pids/$1.pid" ]] && kill -0 "$(cat "$W/pids/$1.pid")" 2>/dev/null; }

# wait_for <seconds> <what> <cmd...>: polls every 0.5 s, bounded.
wait_for() {
  local limit="$1" what="$2" deadline
  shift 2
  deadline=$(($(now_ms) + limit * 1000))
  while (($(now_ms) < deadline)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  log "timed out after ${limit}s waiting for $what"
  return 1
}
