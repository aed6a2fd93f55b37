#!/usr/bin/env bash
# Builds a real Kubernetes control plane from Go module sources (the Go module proxy):
#   kube-apiserver, kube-controller-manager, kubectl  from k8s.io/kubernetes
#   kubelet, kube-proxy, kube-scheduler      from k8s.io/kubernetes (the real nodes of tools/cluster)
#   etcd                                     from go.etcd.io/etcd/server/v3
#   coredns                                  from github.com/coredns/coredns
#   traefik                                  from github.com/traefik/traefik/v3 (the real nodes' ingress controller)
#   containerd, containerd-shim-runc-v2      from github.com/containerd/containerd/v2, only with CONTAINERD=2 (an
#                                            option of tools/cluster; Debian's containerd 1.6 is the default)
# Versions come from versions.env (the only place they are defined).
#
# The binaries go to a cache outside the repository, keyed by the versions:
#   ${NTO_CACHE:-$HOME/.cache/network-topology-operator}/control-plane/<key>/bin/
# A run with the cache present does no Go work and returns at once. The last line of
# stdout is the bin directory; everything else goes to stderr.
#
# Usage: tools/control-plane/build.sh            (build what is missing, print bin dir)
#        CONTAINERD=2 tools/control-plane/build.sh (containerd 2 too)
#        BIN=$(tools/control-plane/build.sh | tail -n1)
#
# Builds are deliberately lean (2-core machine shared with Maven): one go build at a
# time, `nice -n 19`, GOMAXPROCS=1, `go build -p 1`. A cold build of all four takes long
# (tens of minutes); the Go module and build caches (~/go, ~/.cache/go-build) are reused.
set -euo pipefail
# Go lives in /usr/local/go on our machines; a non-login shell may not have it on PATH.
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="/usr/local/go/bin:$PATH"
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$HERE/versions.env"

: "${KUBERNETES_VERSION:?versions.env must set KUBERNETES_VERSION}"
: "${KUBERNETES_STAGING_VERSION:?versions.env must set KUBERNETES_STAGING_VERSION}"
: "${ETCD_VERSION:?versions.env must set ETCD_VERSION}"
: "${COREDNS_VERSION:?versions.env must set COREDNS_VERSION}"
: "${TRAEFIK_VERSION:?versions.env must set TRAEFIK_VERSION}"

KEY="k8s-${KUBERNETES_VERSION}_etcd-${ETCD_VERSION}_coredns-${COREDNS_VERSION}"
if [[ -n "${CONTROL_PLANE_GOTOOLCHAIN:-}" ]]; then
  KEY="${KEY}_${CONTROL_PLANE_GOTOOLCHAIN}"
fi
CACHE_ROOT="${NTO_CACHE:-$HOME/.cache/network-topology-operator}/control-plane"
DIR="$CACHE_ROOT/$KEY"
BIN="$DIR/bin"
# The Gateway API's CRDs (YAML from the Go module, no build): RealGatewayApiTest installs them.
GATEWAY_API_VERSION="${GATEWAY_API_VERSION:-v1.4.1}"
BINARIES=(kube-apiserver kube-controller-manager kubectl etcd coredns kubelet kube-proxy kube-scheduler traefik)
if [[ "${CONTAINERD:-1}" == 2 ]]; then
  : "${CONTAINERD2_VERSION:?versions.env must set CONTAINERD2_VERSION}"
  BINARIES+=(containerd2/containerd containerd2/containerd-shim-runc-v2)
fi
KUBE_COMMANDS=(kube-apiserver kube-controller-manager kubelet kube-proxy kube-scheduler)

all_present() {
  local b
  for b in "${BINARIES[@]}"; do
    [[ -x "$BIN/$b" ]] || return 1
  done
  [[ -f "$DIR/gateway-api-$GATEWAY_API_VERSION/standard/gateway.networking.k8s.io_httproutes.yaml" ]] &&
    [[ "$(cat "$BIN/.traefik-version" 2>/dev/null)" == "$TRAEFIK_VERSION" ]] &&
    { [[ "${CONTAINERD:-1}" != 2 ]] || [[ "$(cat "$BIN/containerd2/.version" 2>/dev/null)" == "$CONTAINERD2_VERSION" ]]; }
}

# Fast path: everything is cached.
if all_present; then
  echo "$BIN"
  exit 0
fi

log() { echo "[control-plane] $*" >&2; }

command -v go >/dev/null || { log "go is not installed"; exit 1; }
mkdir -p "$BIN" "$DIR/src"

# One build at a time, also across concurrent invocations of this script.
exec 9>"$CACHE_ROOT/.build.lock"
if ! flock -n 9; then
  log "another build is running; waiting for it (lock $CACHE_ROOT/.build.lock)"
  flock 9
fi
if all_present; then
  echo "$BIN"
  exit 0
fi

export GOWORK=off
export GOFLAGS="-mod=mod"
if [[ -n "${CONTROL_PLANE_GOTOOLCHAIN:-}" ]]; then
  export GOTOOLCHAIN="$CONTROL_PLANE_GOTOOLCHAIN"
fi
log "go: $(go version)"
log "cache: $DIR"

TIMES="$DIR/build-times.txt"
TOTAL_START=$SECONDS

# Path of the go.mod of module@version in the module cache (downloads the module).
gomod_of() {
  local out
  out="$(cd "$DIR" && go mod download -json "$1")" || {
    log "cannot download $1 from the Go module proxy:"
    echo "$out" >&2
    return 1
  }
  sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p' <<<"$out"
}

# The `go` directive of a go.mod file.
go_directive() { awk '$1 == "go" { print $2; exit }' "$1"; }

# Writes a module under $DIR/src/<name> that requires <module>@<version> and lists the
# main packages as tools; extra go.mod text (replace directives) comes from stdin.
write_module() {
  local name="$1" module="$2" version="$3" godir="$4"
  shift 4
  local src="$DIR/src/$name"
  mkdir -p "$src"
  {
    echo "// Generated by tools/control-plane/build.sh from versions.env; do not edit."
    echo "module nto.local/control-plane/$name"
    echo
    echo "go $godir"
    echo
    echo "tool ("
    local pkg
    for pkg in "$@"; do echo "	$pkg"; done
    echo ")"
    echo
    echo "require $module $version"
    cat
  } >"$src/go.mod.new"
  if ! cmp -s "$src/go.mod.new" "$src/go.mod.gen" 2>/dev/null; then
    # New or changed: start from the generated go.mod and let tidy fill in the rest.
    cp "$src/go.mod.new" "$src/go.mod"
    cp "$src/go.mod.new" "$src/go.mod.gen"
    rm -f "$src/go.sum" "$src/.tidy-ok"
  fi
  rm -f "$src/go.mod.new"
  if [[ ! -f "$src/.tidy-ok" ]]; then
    log "$name: go mod tidy (downloads the modules)"
    local start=$SECONDS
    (cd "$src" && nice -n 19 env GOMAXPROCS=1 go mod tidy) >&2
    touch "$src/.tidy-ok"
    log "$name: go mod tidy took $((SECONDS - start))s"
    echo "$name go_mod_tidy_seconds=$((SECONDS - start))" >>"$TIMES"
  fi
}

# build <module-name> <binary> <package> <ldflags> <version-args...>
build() {
  local name="$1" bin="$2" pkg="$3" ldflags="$4"
  shift 4
  if [[ -x "$BIN/$bin" ]]; then
    log "$bin: cached"
    return 0
  fi
  log "$bin: go build $pkg (this takes a while)"
  local start=$SECONDS tmp
  tmp="$(dirname "$BIN/$bin")/.$(basename "$bin").tmp"
  rm -f "$tmp"
  (cd "$DIR/src/$name" &&
    nice -n 19 env GOMAXPROCS=1 go build -p 1 -trimpath ${BUILD_TAGS:+-tags "$BUILD_TAGS"} -ldflags "-s -w $ldflags" \
      -o "$tmp" "$pkg") >&2
  local secs=$((SECONDS - start))
  # Check that the binary runs before it enters the cache.
  local ver
  if ! ver="$("$tmp" "$@" 2>&1 | head -n 3 | tr '\n' ' ')"; then
    log "$bin: built, but '$bin $*' failed: $ver"
    return 1
  fi
  mv -f "$tmp" "$BIN/$bin"
  local size
  size="$(du -h "$BIN/$bin" | cut -f1)"
  log "$bin: built in ${secs}s, $size: $ver"
  echo "$bin build_seconds=$secs size=$size version: $ver" >>"$TIMES"
}

# --- kube-apiserver, kube-controller-manager, kubectl from k8s.io/kubernetes --------
# k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with
# ./staging/src/...; those replaces do not apply to a dependency, so pin each one to
# the published staging version.
kube_module() { # kube_module <module-name> <packages...>
  local name="$1"
  shift
  local kmod staging
  kmod="$(gomod_of "k8s.io/kubernetes@$KUBERNETES_VERSION")"
  staging="$(sed -e 's://.*$::' "$kmod" |
    awk '$0 !~ /=>/ && $NF == "v0.0.0" { m = ($1 == "require") ? $2 : $1; if (m ~ /^k8s\.io\//) print m }' |
    sort -u)"
  [[ -n "$staging" ]] || { log "found no staging modules in $kmod"; exit 1; }
  {
    echo
    echo "replace ("
    for m in $staging; do echo "	$m => $m $KUBERNETES_STAGING_VERSION"; done
    echo ")"
  } | write_module "$name" k8s.io/kubernetes "$KUBERNETES_VERSION" "$(go_directive "$kmod")" "$@"
}
kver="${KUBERNETES_VERSION#v}"
kmajor="${kver%%.*}"
kminor="${kver#*.}"
kminor="${kminor%%.*}"
kldflags=""
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kldflags+=" -X $p.gitVersion=$KUBERNETES_VERSION -X $p.gitMajor=$kmajor -X $p.gitMinor=$kminor"
  kldflags+=" -X $p.gitTreeState=clean"
done
# The control plane and the node binaries share one module, so one `go mod tidy` and one build cache.
kube_missing=0
for b in "${KUBE_COMMANDS[@]}"; do [[ -x "$BIN/$b" ]] || kube_missing=1; done
if ((kube_missing)); then
  kube_module kube "${KUBE_COMMANDS[@]/#/k8s.io/kubernetes/cmd/}"
  for b in "${KUBE_COMMANDS[@]}"; do
    build kube "$b" "k8s.io/kubernetes/cmd/$b" "$kldflags" --version
  done
fi
# kubectl of the same version as the API server (a machine's own kubectl may be too old for it).
if [[ ! -x "$BIN/kubectl" ]]; then
  kube_module kubectl k8s.io/kubernetes/cmd/kubectl
  build kubectl kubectl k8s.io/kubernetes/cmd/kubectl "$kldflags" version --client
fi

# --- etcd from go.etcd.io/etcd/server/v3 ---------------------------------------------
if [[ ! -x "$BIN/etcd" ]]; then
  emod="$(gomod_of "go.etcd.io/etcd/server/v3@$ETCD_VERSION")"
  # The server module replaces its sibling modules with ../api etc.; ignored for a
  # dependency, so pin them to the same published version.
  esiblings="$(sed -e 's://.*$::' "$emod" |
    awk '$0 !~ /=>/ && $1 ~ /^go\.etcd\.io\/etcd\// { print $1 }' | sort -u)"
  {
    echo
    echo "replace ("
    for m in $esiblings; do echo "	$m => $m $ETCD_VERSION"; done
    echo ")"
  } | write_module etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION" "$(go_directive "$emod")" \
    go.etcd.io/etcd/server/v3
  build etcd etcd go.etcd.io/etcd/server/v3 "" --version
fi

# --- coredns from github.com/coredns/coredns ------------------------------------------
if [[ ! -x "$BIN/coredns" ]]; then
  cmod="$(gomod_of "github.com/coredns/coredns@$COREDNS_VERSION")"
  write_module coredns github.com/coredns/coredns "$COREDNS_VERSION" "$(go_directive "$cmod")" \
    github.com/coredns/coredns </dev/null
  build coredns coredns github.com/coredns/coredns "" -version
fi

# --- traefik from github.com/traefik/traefik/v3 (not in the cache key: it is rebuilt when its version changes) ----
if [[ -x "$BIN/traefik" && "$(cat "$BIN/.traefik-version" 2>/dev/null)" != "$TRAEFIK_VERSION" ]]; then
  rm -f "$BIN/traefik"
fi
if [[ ! -x "$BIN/traefik" ]]; then
  tmod="$(gomod_of "github.com/traefik/traefik/v3@$TRAEFIK_VERSION")"
  # Its go.mod replaces some modules with forks; a dependency's replaces do not apply, so they are repeated here.
  {
    echo
    awk '/^replace \(/ { block = 1; next } block && /^\)/ { block = 0 } block && $0 !~ /=> \./ { print "replace " $0 }
      /^replace [^(]/ && $0 !~ /=> \./ { print }' "$tmod"
  } | write_module traefik github.com/traefik/traefik/v3 "$TRAEFIK_VERSION" "$(go_directive "$tmod")" \
    github.com/traefik/traefik/v3/cmd/traefik
  build traefik traefik github.com/traefik/traefik/v3/cmd/traefik "-X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION" version
  echo "$TRAEFIK_VERSION" >"$BIN/.traefik-version"
fi

# --- containerd 2 from github.com/containerd/containerd/v2 (CONTAINERD=2 only; rebuilt when its version changes) ----
if [[ "${CONTAINERD:-1}" == 2 ]]; then
  if [[ "$(cat "$BIN/containerd2/.version" 2>/dev/null)" != "$CONTAINERD2_VERSION" ]]; then
    rm -rf "$BIN/containerd2"
  fi
  mkdir -p "$BIN/containerd2"
  cmod="$(gomod_of "github.com/containerd/containerd/v2@$CONTAINERD2_VERSION")"
  write_module containerd2 github.com/containerd/containerd/v2 "$CONTAINERD2_VERSION" "$(go_directive "$cmod")" \
    github.com/containerd/containerd/v2/cmd/containerd github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2 </dev/null
  # The snapshotters the nodes do not use need C libraries this machine lacks.
  for b in containerd containerd-shim-runc-v2; do
    BUILD_TAGS="no_btrfs no_devmapper no_zfs" build containerd2 "containerd2/$b" "github.com/containerd/containerd/v2/cmd/$b" \
      "-X github.com/containerd/containerd/v2/version.Version=$CONTAINERD2_VERSION" -v
  done
  echo "$CONTAINERD2_VERSION" >"$BIN/containerd2/.version"
fi

# --- the Gateway API's CRDs (YAML only, from the module sigs.k8s.io/gateway-api): RealGatewayApiTest installs them ---
if [[ ! -f "$DIR/gateway-api-$GATEWAY_API_VERSION/standard/gateway.networking.k8s.io_httproutes.yaml" ]]; then
  gdir="$(cd "$DIR" && go mod download -json "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$gdir/config/crd" ]] || { log "cannot download sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION from the Go module proxy"; exit 1; }
  rm -rf "$DIR/gateway-api-$GATEWAY_API_VERSION"
  cp -r "$gdir/config/crd" "$DIR/gateway-api-$GATEWAY_API_VERSION"
  chmod -R u+w "$DIR/gateway-api-$GATEWAY_API_VERSION"
fi

all_present || { log "some binaries are missing in $BIN"; exit 1; }
log "all built; this run took $((SECONDS - TOTAL_START))s"
echo "total_seconds=$((SECONDS - TOTAL_START)) ($(date -u +%FT%TZ))" >>"$TIMES"
ls -l "$BIN" >&2
echo "$BIN"
