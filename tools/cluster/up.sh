#!/usr/bin/env bash
# A real two-node Kubernetes cluster on this machine, from scratch:
#   control plane   etcd, kube-apiserver, kube-controller-manager, kube-scheduler (tools/control-plane/build.sh)
#   node1           the host network namespace: containerd + runc + CNI bridge + kubelet + kube-proxy
#   node2           the network namespace nto-node2, on a veth to the node bridge: the same again
#   addons          CoreDNS (2 replicas, one per node) behind kube-dns 10.96.0.10; Traefik as the ingress controller
#                   (IngressClass traefik) on node1's address, ports 80 and 443
# Images come from tools/cluster/images.sh (no registry). Everything listens on virtual addresses inside this
# machine, CoreDNS has no upstream, and an nftables guard drops forwarded traffic leaving the cluster's ranges.
#
# Usage: tools/cluster/up.sh [STAGE...]   stages: prereq net pki images etcd apiserver kcm scheduler node1 node2 addons (+lb, ingress, gateway)
#                                         (addons includes ingress; `up.sh ingress` redeploys only Traefik)
#        NODES=1 for one node, PROXY_MODE=nftables for kube-proxy's nftables mode. Stop with down.sh (always).
# Prints the admin kubeconfig's path last. Stage timings go to $W/times.txt.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
NODES="${NODES:-2}"
mkdir -p "$W/logs" "$W/pids" "$RUN"
timing() { echo "$*" >>"$W/times.txt"; log "$*"; }

stage_prereq() {
  [[ $EUID == 0 ]] || { log "must run as root (network namespaces, containerd, kubelet)"; exit 1; }
  # The Debian packages a node needs, installed when missing (as .ci/run does), so that the README's test command
  # works on a fresh machine of this kind.
  local packages=(containerd runc containernetworking-plugins busybox-static iptables nftables conntrack iproute2 util-linux
    gcc libc6-dev python3 openssl curl) need=() p
  for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
  if ((${#need[@]})) && command -v apt-get >/dev/null 2>&1; then
    log "apt-get install ${need[*]}"
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"; } >"$W/logs/apt.log" 2>&1 \
      || { log "apt-get install failed: $(tail -n 3 "$W/logs/apt.log")"; exit 1; }
  fi
  local missing=() c
  for c in containerd runc ctr ip nft iptables conntrack nsenter gcc python3 openssl curl busybox; do
    command -v "$c" >/dev/null 2>&1 || missing+=("$c")
  done
  [[ -x /usr/lib/cni/bridge || -x /opt/cni/bin/bridge ]] || missing+=("CNI plugins")
  ((${#missing[@]} == 0)) || { log "missing: ${missing[*]} (Debian: containerd runc containernetworking-plugins busybox-static iptables nftables conntrack)"; exit 1; }
  local b
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl coredns; do
    [[ -x "$(bin_dir)/$b" ]] || { log "missing $(bin_dir)/$b: run tools/control-plane/build.sh"; exit 1; }
  done
  local p
  for p in $ETCD_PORT $ETCD_PEER_PORT $API_PORT $KCM_PORT $SCHED_PORT 10248 10249 10250 10256; do
    if ss -Htln "( sport = :$p )" | grep -qE '(0\.0\.0\.0|\*|\[::\]|10\.99\.0\.1):'"$p"'\b'; then
      log "port $p is taken (another cluster still up? tools/cluster/down.sh):"; ss -Htlnp "( sport = :$p )" >&2; exit 1
    fi
  done
  # What the kubelet, kube-proxy and the CNI bridge change on the host: saved once, restored by down.sh.
  if [[ ! -f "$W/sysctl.saved" ]]; then
    sysctl -e vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys \
      kernel.keys.root_maxbytes net.ipv4.ip_forward net.ipv4.conf.all.route_localnet \
      net.bridge.bridge-nf-call-iptables net.netfilter.nf_conntrack_max >"$W/sysctl.saved" 2>/dev/null || true
    ls /run/netns 2>/dev/null >"$W/netns.before" || true
    [[ -e /var/lib/cni ]] && touch "$W/var-lib-cni.existed"
    [[ -e /var/log/containers ]] && touch "$W/var-log-containers.existed"
    mountpoint -q /run/netns 2>/dev/null && touch "$W/run-netns-mounted.existed"
    { iptables-save; ip6tables-save; } 2>/dev/null | grep -cE '^:(KUBE|CNI)-' >"$W/iptables-chains.before" || true
    nft list tables >"$W/nft-tables.before" 2>/dev/null || true
  fi
}

stage_net() {
  ip link show "$NODE_BR" >/dev/null 2>&1 || ip link add "$NODE_BR" type bridge
  ip addr replace "$NODE1_IP/24" dev "$NODE_BR"
  ip link set "$NODE_BR" up
  # The Service range is on-link on the node network, never via the machine's default route: with kube-proxy
  # stopped, ClusterIP traffic dies on the bridge (as on a real node) instead of leaving for the outside.
  ip route replace "$SVC_CIDR" dev "$NODE_BR"
  ip route replace "$LB_CIDR" dev "$NODE_BR"   # the same for load balancer addresses
  sysctl -qw net.ipv4.ip_forward=1
  # The egress guard: forwarding is on, so nothing from a pod or node address may be forwarded anywhere but the
  # cluster's own ranges.
  nft -f - <<NFT
table inet $GUARD_TABLE
delete table inet $GUARD_TABLE
table inet $GUARD_TABLE {
  chain forward {
    type filter hook forward priority -10; policy accept;
    ip saddr { $POD_CIDR, $NODE_NET } ip daddr != { $POD_CIDR, $SVC_CIDR, $NODE_NET } counter drop
    # Also when a route inside the cluster is lost (a test's fault): never out of another interface.
    ip saddr { $POD_CIDR, $NODE_NET } oifname != { "$NODE_BR", "ntocni1" } counter drop
  }
}
NFT
  if ((NODES >= 2)); then
    [[ -e "/run/netns/$NODE2_NS" ]] || ip netns add "$NODE2_NS"
    if ! ip link show nto-n2-h >/dev/null 2>&1; then
      ip link add nto-n2-h type veth peer name eth0 netns "$NODE2_NS"
      ip link set nto-n2-h master "$NODE_BR" up
    fi
    ip -n "$NODE2_NS" link set lo up
    ip -n "$NODE2_NS" addr replace "$NODE2_IP/24" dev eth0
    ip -n "$NODE2_NS" link set eth0 up
    # No default route on node2: the node network, node1's pods, and the Service range on-link (kube-proxy's to
    # translate; nobody answers for it on the wire).
    ip -n "$NODE2_NS" route replace "$NODE1_POD_CIDR" via "$NODE1_IP"
    ip -n "$NODE2_NS" route replace "$SVC_CIDR" dev eth0
    ip -n "$NODE2_NS" route replace "$LB_CIDR" dev eth0
    ip route replace "$NODE2_POD_CIDR" via "$NODE2_IP"
    on_node 2 sysctl -qw net.ipv4.ip_forward=1
  fi
}

mkcert() { # mkcert <name> <CN> <O or -> <extendedKeyUsage> [subjectAltName]
  local name="$1" cn="$2" o="$3" eku="$4" san="${5:-}" subj="/CN=$2"
  [[ "$o" == - ]] || subj="/O=$o/CN=$cn"
  openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "$subj" 2>/dev/null
  { echo "extendedKeyUsage=$eku"; echo "keyUsage=critical,digitalSignature,keyEncipherment"
    [[ -z "$san" ]] || echo "subjectAltName=$san"; } >"$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$name.crt" -days 2 -extfile "$name.ext" 2>/dev/null
}
kubeconfig() { # kubeconfig <file> <cert-name>
  cat >"$1" <<KC
apiVersion: v1
kind: Config
clusters:
- name: nto
  cluster: {server: "$API", certificate-authority: "$W/pki/ca.crt"}
users:
- name: $2
  user: {client-certificate: "$W/pki/$2.crt", client-key: "$W/pki/$2.key"}
contexts:
- name: nto
  context: {cluster: nto, user: $2}
current-context: nto
KC
}
stage_pki() {
  [[ -f "$W/pki/done" ]] && return 0
  mkdir -p "$W/pki"
  (
    cd "$W/pki"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=nto-cluster-ca" 2>/dev/null
    mkcert apiserver kube-apiserver - serverAuth \
      "IP:$NODE1_IP,IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
    mkcert admin nto-admin system:masters clientAuth
    mkcert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters clientAuth
    mkcert kube-proxy system:kube-proxy - clientAuth
    mkcert kube-scheduler system:kube-scheduler - clientAuth
    for n in 1 2; do
      local ip=$NODE1_IP
      [[ $n == 1 ]] || ip=$NODE2_IP
      mkcert "kubelet-node$n" "system:node:node$n" system:nodes clientAuth
      mkcert "kubelet-node$n-serving" "node$n" - serverAuth "IP:$ip,DNS:node$n"
    done
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    touch done
  )
  local c
  for c in admin kube-proxy kube-scheduler kubelet-node1 kubelet-node2; do kubeconfig "$W/$c.kubeconfig" "$c"; done
}

stage_images() {
  "$CLUSTER_HOME/images.sh" >/dev/null
}

stage_etcd() {
  alive etcd && return 0
  start etcd 1 "$(bin_dir)/etcd" --name nto --data-dir "$W/etcd" \
    --listen-client-urls "http://$NODE1_IP:$ETCD_PORT" --advertise-client-urls "http://$NODE1_IP:$ETCD_PORT" \
    --listen-peer-urls "http://$NODE1_IP:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://$NODE1_IP:$ETCD_PEER_PORT" \
    --initial-cluster "nto=http://$NODE1_IP:$ETCD_PEER_PORT" --unsafe-no-fsync --log-level warn
  wait_for 30 "etcd /health" curl -fsS --max-time 2 "http://$NODE1_IP:$ETCD_PORT/health"
}
stage_apiserver() {
  alive kube-apiserver && return 0
  local P="$W/pki"
  start kube-apiserver 1 "$(bin_dir)/kube-apiserver" --etcd-servers "http://$NODE1_IP:$ETCD_PORT" \
    --bind-address "$NODE1_IP" --advertise-address "$NODE1_IP" --secure-port "$API_PORT" \
    --cert-dir "$W/apiserver-certs" --tls-cert-file "$P/apiserver.crt" --tls-private-key-file "$P/apiserver.key" \
    --client-ca-file "$P/ca.crt" \
    --kubelet-client-certificate "$P/apiserver-kubelet-client.crt" --kubelet-client-key "$P/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$P/sa.pub" --service-account-signing-key-file "$P/sa.key" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --service-cluster-ip-range "$SVC_CIDR" --allow-privileged=true --profiling=false
  wait_for 120 "kube-apiserver /readyz" curl -fsS --max-time 2 --cacert "$P/ca.crt" \
    --cert "$P/admin.crt" --key "$P/admin.key" "$API/readyz"
}
stage_kcm() {
  alive kube-controller-manager && return 0
  local P="$W/pki" K="$W/admin.kubeconfig"
  start kube-controller-manager 1 "$(bin_dir)/kube-controller-manager" --kubeconfig "$K" \
    --authentication-kubeconfig "$K" --authorization-kubeconfig "$K" \
    --bind-address "$NODE1_IP" --secure-port "$KCM_PORT" --cert-dir "$W/kcm-certs" --leader-elect=false \
    --service-account-private-key-file "$P/sa.key" --root-ca-file "$P/ca.crt" \
    --cluster-signing-cert-file "$P/ca.crt" --cluster-signing-key-file "$P/ca.key" \
    --use-service-account-credentials=false --profiling=false \
    --cluster-cidr "$POD_CIDR" --allocate-node-cidrs=false --service-cluster-ip-range "$SVC_CIDR" \
    --flex-volume-plugin-dir "$W/kcm-flexvolume"
  wait_for 60 "kube-controller-manager /healthz" curl -fsSk --max-time 2 "https://$NODE1_IP:$KCM_PORT/healthz"
  wait_for 60 "ServiceAccount default/default" kc -n default get serviceaccount default
}
stage_scheduler() {
  alive kube-scheduler && return 0
  local K="$W/kube-scheduler.kubeconfig"
  start kube-scheduler 1 "$(bin_dir)/kube-scheduler" --kubeconfig "$K" \
    --authentication-kubeconfig "$K" --authorization-kubeconfig "$K" \
    --bind-address "$NODE1_IP" --secure-port "$SCHED_PORT" --leader-elect=false --profiling=false
  wait_for 60 "kube-scheduler /healthz" curl -fsSk --max-time 2 "https://$NODE1_IP:$SCHED_PORT/healthz"
}

node_up() { # node_up <n>
  local n="$1" ip podcidr gw cgroot
  if [[ $n == 1 ]]; then ip=$NODE1_IP; podcidr=$NODE1_POD_CIDR; gw=10.244.0.1; cgroot=/
  else ip=$NODE2_IP; podcidr=$NODE2_POD_CIDR; gw=10.244.1.1; cgroot=/nto-node2
  fi
  local D="$W/node$n" R="$RUN/node$n"
  mkdir -p "$D/cni" "$D/pod-logs" "$R"
  # CNI: bridge + host-local + portmap (containerd sets up loopback itself). No masquerade: pod IPs are seen as is.
  cat >"$D/cni/10-nto.conflist" <<CNI
{"cniVersion": "0.4.0", "name": "nto",
 "plugins": [
  {"type": "bridge", "bridge": "ntocni$n", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$D/cni-ipam",
            "ranges": [[{"subnet": "$podcidr", "gateway": "$gw"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "portmap", "capabilities": {"portMappings": true}, "snat": true}
 ]}
CNI
  local cni_bin=/usr/lib/cni
  [[ -x $cni_bin/bridge ]] || cni_bin=/opt/cni/bin
  # containerd 1.6 (Debian), or with CONTAINERD=2 containerd 2 from Go modules (tools/control-plane/build.sh builds it;
  # config version 3, the CRI plugin split in images and runtime). restrict_oom_score_adj: this machine cannot lower
  # OOM scores.
  local containerd=(containerd) version=2 cri=grpc.v1.cri images_plugin='' v2_cri="sandbox_image = \"$PAUSE_IMAGE\""
  local v2_runtime='snapshotter = "overlayfs"' cni_dirs="bin_dir = \"$cni_bin\""
  if [[ "$CONTAINERD" == 2 ]]; then
    [[ -x "$(bin_dir)/containerd2/containerd" ]] || { log "CONTAINERD=2: no containerd 2 in $(bin_dir) (CONTAINERD=2 tools/control-plane/build.sh builds it)"; exit 1; }
    containerd=(env "PATH=$(bin_dir)/containerd2:$PATH" "$(bin_dir)/containerd2/containerd")
    # Config version 3: images (snapshotter, the pinned sandbox image) in a plugin of their own.
    version=3 cri=cri.v1.runtime v2_cri='' v2_runtime='' cni_dirs="bin_dirs = [\"$cni_bin\"]"
    images_plugin="[plugins.\"io.containerd.cri.v1.images\"]
    snapshotter = \"overlayfs\"
    pinned_images = {sandbox = \"$PAUSE_IMAGE\"}"
  fi
  cat >"$D/containerd.toml" <<TOML
version = $version
root = "$D/containerd"
state = "$R/containerd-state"
[grpc]
  address = "$R/containerd.sock"
[ttrpc]
  address = "$R/containerd.sock.ttrpc"
[debug]
  address = "$R/containerd-debug.sock"
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$D/containerd-opt"
  $images_plugin
  [plugins."io.containerd.$cri"]
    $v2_cri
    enable_selinux = false
    disable_apparmor = true
    restrict_oom_score_adj = true
    [plugins."io.containerd.$cri".containerd]
      $v2_runtime
      default_runtime_name = "runc"
      [plugins."io.containerd.$cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.$cri".containerd.runtimes.runc.options]
          BinaryName = "$(command -v runc)"
          SystemdCgroup = false
    [plugins."io.containerd.$cri".cni]
      $cni_dirs
      conf_dir = "$D/cni"
      max_conf_num = 1
TOML
  if ! alive "containerd-node$n"; then
    start "containerd-node$n" "$n" "${containerd[@]}" --config "$D/containerd.toml"
    wait_for 30 "containerd node$n" ctr -a "$R/containerd.sock" version
    local img
    for img in pause busybox coredns operator traefik; do
      [[ -f "$IMAGES/$img.tar" ]] && ctr_node "$n" images import "$IMAGES/$img.tar" >/dev/null
    done
    # examples/hello.yaml names busybox:1.36, as a user's cluster would pull it; here it is Debian's busybox, already there.
    if [[ -f "$IMAGES/busybox.tar" ]]; then
      ctr_node "$n" images tag --force "$BUSYBOX_IMAGE" docker.io/library/busybox:1.36 >/dev/null
    fi
  fi
  if [[ "$cgroot" != / ]]; then
    # The kubelet wants its --cgroup-root to exist already (cgroup v1: in every hierarchy).
    local h
    for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/unified/; do [[ -d "$h" ]] && mkdir -p "$h${cgroot#/}"; done
    if [[ -d /sys/fs/cgroup/cpuset ]]; then
      cat /sys/fs/cgroup/cpuset/cpuset.cpus >"/sys/fs/cgroup/cpuset${cgroot}/cpuset.cpus"
      cat /sys/fs/cgroup/cpuset/cpuset.mems >"/sys/fs/cgroup/cpuset${cgroot}/cpuset.mems"
    fi
  fi
  cat >"$D/kubelet.yaml" <<KUBELET
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false          # this machine has cgroup v1 hierarchies; kubelet 1.36 refuses them by default
cgroupDriver: cgroupfs
cgroupRoot: $cgroot
containerRuntimeEndpoint: unix://$R/containerd.sock
failSwapOn: false
address: $ip
port: 10250
readOnlyPort: 0
healthzBindAddress: $ip
healthzPort: 10248
tlsCertFile: $W/pki/kubelet-node$n-serving.crt
tlsPrivateKeyFile: $W/pki/kubelet-node$n-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $W/pki/ca.crt}
authorization: {mode: AlwaysAllow}
clusterDomain: cluster.local
clusterDNS: [$DNS_IP]
resolvConf: ""
podLogsDir: $D/pod-logs
oomScoreAdj: 0               # no CAP_SYS_RESOURCE here: negative OOM scores cannot be set
syncFrequency: 5s            # ConfigMap volumes (the Corefile) reach the pods within seconds, not a minute
imageGCHighThresholdPercent: 100   # images cannot be pulled again: never collect them
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
maxPods: 60
serializeImagePulls: false
KUBELET
  if ! alive "kubelet-node$n"; then
    start "kubelet-node$n" "$n" "$(bin_dir)/kubelet" --config "$D/kubelet.yaml" \
      --kubeconfig "$W/kubelet-node$n.kubeconfig" --root-dir "$D/kubelet" \
      --hostname-override "node$n" --node-ip "$ip" --volume-plugin-dir "$D/volume-plugins" --v=1
    wait_for 120 "node$n Ready" node_ready "node$n"
  fi
  cat >"$D/kube-proxy.yaml" <<PROXY
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $W/kube-proxy.kubeconfig}
hostnameOverride: node$n
bindAddress: $ip
healthzBindAddress: $ip:10256
metricsBindAddress: $ip:10249
mode: $PROXY_MODE
clusterCIDR: $POD_CIDR
nodePortAddresses: ["$NODE_NET"]
oomScoreAdj: 0
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
PROXY
  if ! alive "kube-proxy-node$n"; then
    start "kube-proxy-node$n" "$n" "$(bin_dir)/kube-proxy" --config "$D/kube-proxy.yaml" --v=1
    wait_for 60 "kube-proxy node$n /healthz" on_node "$n" curl -fsS --max-time 2 "http://$ip:10256/healthz"
  fi
}
node_ready() {
  [[ "$(kc get node "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]
}
stage_node1() { node_up 1; }
stage_node2() { ((NODES < 2)) || node_up 2; }

stage_addons() {
  local replicas=$NODES
  kc apply -f - >/dev/null <<YAML
apiVersion: v1
kind: ServiceAccount
metadata: {name: coredns, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:coredns"}
rules:
- {apiGroups: [""], resources: [endpoints, services, pods, namespaces], verbs: [list, watch]}
- {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:coredns"}
subjects: [{kind: ServiceAccount, name: coredns, namespace: kube-system}]
---
# The shape of kubeadm's Corefile, without 'forward': nothing leaves this machine.
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        errors
        health :8080
        ready :8181
        kubernetes cluster.local in-addr.arpa ip6.arpa {
            pods insecure
            fallthrough in-addr.arpa ip6.arpa
            ttl 30
        }
        cache 5
        loop
        reload 2s
        loadbalance
    }
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  replicas: $replicas
  selector: {matchLabels: {k8s-app: kube-dns}}
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec:
      serviceAccountName: coredns
      dnsPolicy: Default
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - {labelSelector: {matchLabels: {k8s-app: kube-dns}}, topologyKey: kubernetes.io/hostname}
      containers:
      - name: coredns
        image: $COREDNS_IMAGE
        imagePullPolicy: Never
        args: ["-conf", "/etc/coredns/Corefile"]
        ports:
        - {name: dns, containerPort: 53, protocol: UDP}
        - {name: dns-tcp, containerPort: 53, protocol: TCP}
        readinessProbe: {httpGet: {path: /ready, port: 8181}, periodSeconds: 2}
        resources: {requests: {cpu: 10m, memory: 32Mi}, limits: {memory: 128Mi}}
        volumeMounts: [{name: config, mountPath: /etc/coredns}]
      volumes: [{name: config, configMap: {name: coredns}}]
---
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  clusterIP: $DNS_IP
  selector: {k8s-app: kube-dns}
  ports:
  - {name: dns, port: 53, protocol: UDP}
  - {name: dns-tcp, port: 53, protocol: TCP}
YAML
  kc -n kube-system rollout status deploy/coredns --timeout=120s >&2
  stage_lb
  stage_ingress
}

# The load balancer: lb.py gives LoadBalancer Services an address of $LB_CIDR, as a cloud's controller would.
stage_lb() {
  alive lb || start lb 1 python3 "$CLUSTER_HOME/lb.py" --kubectl "$(bin_dir)/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" --range "$LB_CIDR"
  wait_for 10 "the load balancer controller" grep -q "load balancer addresses" "$W/logs/lb.log"
}

# Traefik, the ingress controller (and the Gateway's, below): hostNetwork on node1, listening on node1's address only, publishing that address
# in the status of the Ingresses of its class.
stage_ingress() {
  [[ -f "$IMAGES/traefik.tar" ]] || { log "no Traefik image (tools/control-plane/build.sh builds traefik): no ingress controller"; return 0; }
  kc apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata: {name: traefik}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: traefik, namespace: traefik}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: traefik}
rules:
- {apiGroups: [""], resources: [services, endpoints, secrets, nodes], verbs: [get, list, watch]}
- {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch]}
- {apiGroups: [networking.k8s.io], resources: [ingresses, ingressclasses], verbs: [get, list, watch]}
- {apiGroups: [networking.k8s.io], resources: [ingresses/status], verbs: [update]}
- {apiGroups: [""], resources: [namespaces, configmaps], verbs: [get, list, watch]}
- {apiGroups: [gateway.networking.k8s.io], resources: ["*"], verbs: [get, list, watch]}
- {apiGroups: [gateway.networking.k8s.io], resources: ["*/status"], verbs: [update, patch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: traefik}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: traefik}
subjects: [{kind: ServiceAccount, name: traefik, namespace: traefik}]
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: traefik}
spec: {controller: traefik.io/ingress-controller}
---
# examples/shop.yaml asks for class nginx, the most common one; here Traefik serves that class too.
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: traefik.io/ingress-controller}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: traefik, namespace: traefik, labels: {app: traefik}}
spec:
  replicas: 1
  strategy: {type: Recreate}
  selector: {matchLabels: {app: traefik}}
  template:
    metadata: {labels: {app: traefik}}
    spec:
      serviceAccountName: traefik
      nodeName: node1
      hostNetwork: true
      dnsPolicy: ClusterFirstWithHostNet
      terminationGracePeriodSeconds: 1
      containers:
      - name: traefik
        image: $TRAEFIK_IMAGE
        imagePullPolicy: Never
        args:
        - --entryPoints.web.address=$NODE1_IP:80
        - --entryPoints.websecure.address=$NODE1_IP:443
        - --entryPoints.websecure.http.tls=true
        - --entryPoints.traefik.address=$NODE1_IP:9000
        - --ping=true
        - --providers.kubernetesingress=true
        - --providers.kubernetesingress.ingressendpoint.ip=$NODE1_IP
        - --entryPoints.tlspass.address=$NODE1_IP:8443
        - --entryPoints.tcp.address=$NODE1_IP:9100
        - --entryPoints.tlsterm.address=$NODE1_IP:8444
        - --providers.kubernetesgateway=true
        - --providers.kubernetesgateway.experimentalchannel=true
        - --providers.kubernetesgateway.statusaddress.ip=$NODE1_IP
        - --log.level=INFO
        readinessProbe: {httpGet: {host: $NODE1_IP, path: /ping, port: 9000}, periodSeconds: 2}
YAML
  kc -n traefik rollout status deploy/traefik --timeout=120s >&2
  stage_gateway
}

# The Gateway API beside Ingress: the CRDs of the module sigs.k8s.io/gateway-api (experimental channel: TLS and TCP
# routes too; tools/control-plane/build.sh copied them next to the binaries), Traefik's Gateway provider (its
# GatewayClass traefik), and one shared Gateway in namespace traefik that admits routes from every namespace. Its
# listeners map to Traefik's entry points by port: http 80 and https 443 (HTTPRoute, GRPCRoute; the certificate is a
# self-signed one for *.gateway.test, made here), tls 8443 (TLSRoute, passthrough by SNI), tlsterm 8444 (TLSRoute, TLS
# ended at the Gateway with that certificate and the plain bytes forwarded) and tcp 9100 (TCPRoute); the
# listener internal (HTTP 80, *.internal.test) takes routes of the Gateway's own namespace only, a refusal to test.
# Traefik implements no UDPRoute. Traefik publishes node1's address in the Gateway's status.
stage_gateway() {
  local crds; crds="$(dirname "$(bin_dir)")/gateway-api-v1.4.1/experimental"
  [[ -f "$crds/gateway.networking.k8s.io_httproutes.yaml" ]] || { log "no Gateway API CRDs at $crds (tools/control-plane/build.sh copies them): no Gateway"; return 0; }
  kc apply --server-side -k "$crds" >/dev/null
  kc wait --for=condition=Established --timeout=60s crd/gateways.gateway.networking.k8s.io crd/httproutes.gateway.networking.k8s.io \
    crd/grpcroutes.gateway.networking.k8s.io crd/tlsroutes.gateway.networking.k8s.io crd/tcproutes.gateway.networking.k8s.io >/dev/null
  if ! kc -n traefik get secret gateway-tls >/dev/null 2>&1; then
    local d; d="$(mktemp -d)"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=*.gateway.test" -addext "subjectAltName=DNS:*.gateway.test" \
      -keyout "$d/tls.key" -out "$d/tls.crt" 2>/dev/null
    kc -n traefik create secret tls gateway-tls --cert "$d/tls.crt" --key "$d/tls.key" >/dev/null
    rm -rf "$d"
  fi
  kc apply -f - >/dev/null <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: traefik}
spec: {controllerName: traefik.io/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: shared, namespace: traefik}
spec:
  gatewayClassName: traefik
  listeners:
  - {name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}
  - name: https
    protocol: HTTPS
    port: 443
    tls: {mode: Terminate, certificateRefs: [{name: gateway-tls}]}
    allowedRoutes: {namespaces: {from: All}}
  - {name: tls, protocol: TLS, port: 8443, tls: {mode: Passthrough}, allowedRoutes: {namespaces: {from: All}}}
  - {name: tcp, protocol: TCP, port: 9100, allowedRoutes: {namespaces: {from: All}}}
  - name: tlsterm
    protocol: TLS
    port: 8444
    tls: {mode: Terminate, certificateRefs: [{name: gateway-tls}]}
    allowedRoutes: {namespaces: {from: All}}
  - {name: internal, protocol: HTTP, port: 80, hostname: "*.internal.test", allowedRoutes: {namespaces: {from: Same}}}
YAML
  kc -n traefik wait --for=condition=Programmed --timeout=120s gateway/shared >&2
}

STAGES=("$@")
((${#STAGES[@]})) || STAGES=(prereq net pki images etcd apiserver kcm scheduler node1 node2 addons)
T_ALL=$(now_ms)
for s in "${STAGES[@]}"; do
  t0=$(now_ms)
  "stage_$s"
  timing "up_${s}_seconds=$(secs_since "$t0")"
done
timing "up_total_seconds=$(secs_since "$T_ALL")"
echo "$KUBECONFIG_ADMIN"
