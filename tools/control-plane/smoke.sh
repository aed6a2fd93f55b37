#!/usr/bin/env bash
# Smoke test of the control plane built by build.sh: starts etcd, kube-apiserver,
# kube-controller-manager and coredns on 127.0.0.1 (random free high ports, throwaway
# certificates and data in a temp dir), checks that they work together, prints how long
# each took to start, then stops everything and removes the temp dir (also on failure).
#
# Usage: tools/control-plane/smoke.sh [--quick] [BIN_DIR]
#   BIN_DIR   defaults to the output of build.sh (which builds what is missing).
#   --quick   only etcd + kube-apiserver + `kubectl get ns`.
# Needs: openssl, curl, kubectl (KUBECTL=/path overrides), python3 for the DNS query.
# Exit code 0 when every check passed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
QUICK=0
BIN_DIR=""
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) BIN_DIR="$arg" ;;
  esac
done
if [[ -z "$BIN_DIR" ]]; then
  BIN_DIR="$("$HERE/build.sh" | tail -n 1)"
fi
KUBECTL="${KUBECTL:-kubectl}"
for b in kube-apiserver kube-controller-manager etcd coredns; do
  [[ -x "$BIN_DIR/$b" ]] || { echo "missing $BIN_DIR/$b (run build.sh)" >&2; exit 1; }
done
for t in openssl curl "$KUBECTL"; do
  command -v "$t" >/dev/null || { echo "smoke: $t is not installed" >&2; exit 1; }
done

TMP="$(mktemp -d "${TMPDIR:-/tmp}/nto-cp-smoke.XXXXXX")"
PIDS=()
cleanup() {
  local rc=$? pid i n
  # Stop in reverse start order (etcd last, so the apiserver can shut down cleanly).
  for ((n = ${#PIDS[@]} - 1; n >= 0; n--)); do
    pid="${PIDS[$n]}"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ $rc -ne 0 ]]; then
    for f in "$TMP"/*.log; do
      [[ -f "$f" ]] || continue
      echo "----- last lines of $(basename "$f")" >&2
      tail -n 25 "$f" >&2
    done
    echo "SMOKE FAILED" >&2
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "[smoke] $*"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs_since() { local d=$(($(now_ms) - $1)); printf '%d.%03d' $((d / 1000)) $((d % 1000)); }

# Random ports below the kernel's ephemeral range, so that no outgoing connection (which
# takes its local port from that range) can hold a port before its server binds it.
read -r EPHEMERAL_LO _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || EPHEMERAL_LO=32768
if ((EPHEMERAL_LO > 12000)); then
  PORT_LO=10000 PORT_SPAN=$((EPHEMERAL_LO - 10000))
else
  PORT_LO=61000 PORT_SPAN=4000
fi
USED_PORTS=" "
free_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((PORT_LO + RANDOM % PORT_SPAN))
    [[ "$USED_PORTS" == *" $p "* ]] && continue
    if [[ -z "$(ss -Htuan "( sport = :$p )" 2>/dev/null)" ]]; then
      USED_PORTS+="$p "
      echo "$p"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

# wait_for <seconds> <description> <command...>: polls every 0.2s until the command succeeds.
wait_for() {
  local limit="$1" what="$2" deadline
  shift 2
  deadline=$(($(now_ms) + limit * 1000))
  while (($(now_ms) < deadline)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    local pid
    for pid in "${PIDS[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "a started process (pid $pid) exited while waiting for $what" >&2; return 1; }
    done
    sleep 0.2
  done
  echo "timed out after ${limit}s waiting for $what" >&2
  return 1
}

say "binaries: $BIN_DIR"
say "kube-apiserver: $("$BIN_DIR/kube-apiserver" --version)"
say "kube-controller-manager: $("$BIN_DIR/kube-controller-manager" --version)"
say "etcd: $("$BIN_DIR/etcd" --version | head -n 1)"
say "coredns: $("$BIN_DIR/coredns" -version | head -n 1)"

# --- throwaway PKI --------------------------------------------------------------------
PKI="$TMP/pki"
mkdir -p "$PKI"
(
  cd "$PKI"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 \
    -subj "/CN=nto-smoke-ca" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr \
    -subj "/CN=kube-apiserver" 2>/dev/null
  printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1" \
    "extendedKeyUsage=serverAuth" "keyUsage=digitalSignature,keyEncipherment" >apiserver.ext
  openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
    -out apiserver.crt -days 1 -extfile apiserver.ext 2>/dev/null
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
)
TOKEN="smoke-$(openssl rand -hex 16)"
echo "$TOKEN,smoke-admin,smoke-admin-uid,\"system:masters\"" >"$PKI/tokens.csv"

ETCD_CLIENT_PORT="$(free_port)"
ETCD_PEER_PORT="$(free_port)"
API_PORT="$(free_port)"
KCM_PORT="$(free_port)"
DNS_PORT="$(free_port)"
DNS_HEALTH_PORT="$(free_port)"
DNS_READY_PORT="$(free_port)"
API="https://127.0.0.1:$API_PORT"

cat >"$TMP/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: smoke
  cluster:
    server: $API
    certificate-authority: $PKI/ca.crt
users:
- name: smoke-admin
  user:
    token: $TOKEN
contexts:
- name: smoke
  context: {cluster: smoke, user: smoke-admin}
current-context: smoke
EOF
# kubectl must not read the developer's own config.
: >"$TMP/empty-kubeconfig"
export KUBECONFIG="$TMP/empty-kubeconfig"

# --- etcd -----------------------------------------------------------------------------
T0="$(now_ms)"
"$BIN_DIR/etcd" --name smoke --data-dir "$TMP/etcd-data" \
  --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "smoke=http://127.0.0.1:$ETCD_PEER_PORT" \
  --unsafe-no-fsync --log-level warn >"$TMP/etcd.log" 2>&1 &
PIDS+=($!)
wait_for 30 "etcd /health" curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_CLIENT_PORT/health"
say "etcd ready in $(secs_since "$T0")s (client port $ETCD_CLIENT_PORT)"

# --- kube-apiserver -------------------------------------------------------------------
T0="$(now_ms)"
"$BIN_DIR/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
  --cert-dir "$TMP/apiserver-certs" \
  --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
  --client-ca-file "$PKI/ca.crt" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$PKI/sa.pub" \
  --service-account-signing-key-file "$PKI/sa.key" \
  --token-auth-file "$PKI/tokens.csv" \
  --authorization-mode RBAC \
  --service-cluster-ip-range 10.96.0.0/16 \
  --allow-privileged=true \
  --profiling=false \
  >"$TMP/kube-apiserver.log" 2>&1 &
PIDS+=($!)
wait_for 120 "kube-apiserver /readyz" \
  curl -fsS --max-time 2 --cacert "$PKI/ca.crt" -H "Authorization: Bearer $TOKEN" "$API/readyz"
API_SECS="$(secs_since "$T0")"
say "kube-apiserver ready in ${API_SECS}s (https://127.0.0.1:$API_PORT)"

say "kubectl get ns:"
"$KUBECTL" --server "$API" --token "$TOKEN" --insecure-skip-tls-verify get ns
"$KUBECTL" --server "$API" --token "$TOKEN" --insecure-skip-tls-verify get ns default -o name >/dev/null

if [[ $QUICK -eq 0 ]]; then
  # --- kube-controller-manager: the service-account controller must create the default SA
  T0="$(now_ms)"
  "$BIN_DIR/kube-controller-manager" \
    --kubeconfig "$TMP/kubeconfig" \
    --authentication-kubeconfig "$TMP/kubeconfig" --authorization-kubeconfig "$TMP/kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$KCM_PORT" --cert-dir "$TMP/kcm-certs" \
    --leader-elect=false \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --use-service-account-credentials=false \
    --profiling=false \
    >"$TMP/kube-controller-manager.log" 2>&1 &
  PIDS+=($!)
  wait_for 60 "kube-controller-manager /healthz" curl -fsSk --max-time 2 "https://127.0.0.1:$KCM_PORT/healthz"
  say "kube-controller-manager healthy in $(secs_since "$T0")s"
  wait_for 60 "serviceaccount default/default (created by kube-controller-manager)" \
    "$KUBECTL" --kubeconfig "$TMP/kubeconfig" -n default get serviceaccount default
  say "serviceaccount default/default created $(secs_since "$T0")s after kube-controller-manager start"

  # --- coredns with the kubernetes plugin against the apiserver -----------------------
  cat >"$TMP/Corefile" <<EOF
.:$DNS_PORT {
    bind 127.0.0.1
    errors
    health 127.0.0.1:$DNS_HEALTH_PORT
    ready 127.0.0.1:$DNS_READY_PORT
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $TMP/kubeconfig smoke
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
}
EOF
  T0="$(now_ms)"
  "$BIN_DIR/coredns" -conf "$TMP/Corefile" >"$TMP/coredns.log" 2>&1 &
  PIDS+=($!)
  wait_for 60 "coredns /ready (kubernetes plugin synced)" curl -fsS --max-time 2 "http://127.0.0.1:$DNS_READY_PORT/ready"
  say "coredns ready in $(secs_since "$T0")s (dns 127.0.0.1:$DNS_PORT)"
  if command -v python3 >/dev/null; then
    ANSWER="$(timeout 20 python3 - "$DNS_PORT" <<'EOF'
import random, socket, struct, sys
port = int(sys.argv[1])
name = "kubernetes.default.svc.cluster.local"
qid = random.randint(0, 65535)
q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
q += struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
for _ in range(5):
    try:
        s.sendto(q, ("127.0.0.1", port))
        r, _ = s.recvfrom(4096)
        break
    except socket.timeout:
        continue
else:
    sys.exit("no DNS answer")
rid, flags, qd, an = struct.unpack(">HHHH", r[:8])
if rid != qid or flags & 0xF != 0 or an < 1:
    sys.exit("bad DNS answer: rcode=%d answers=%d" % (flags & 0xF, an))
# The single answer for our question: its A record data are the last 4 bytes.
print(socket.inet_ntoa(r[-4:]))
EOF
)"
    say "dns: kubernetes.default.svc.cluster.local -> $ANSWER"
    [[ "$ANSWER" == "10.96.0.1" ]] || { echo "expected 10.96.0.1" >&2; exit 1; }
  fi
fi

say "kube-apiserver startup: ${API_SECS}s"
echo "SMOKE OK"
