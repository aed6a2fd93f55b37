#!/usr/bin/env bash
# Builds the cluster's container images as OCI archives, without a registry or a container daemon:
#   pause     a static C program (the pod sandbox)
#   busybox   Debian's busybox-static (test backends, a shell)
#   coredns   the CoreDNS binary of tools/control-plane/build.sh
#   traefik   the Traefik binary of tools/control-plane/build.sh (the ingress controller)
#   operator  a jlink'ed JRE plus target/quarkus-app, laid out like src/main/docker/Dockerfile.jvm
#             (/deployments, user 185): the operator's image, and the probe pods' image.
# The first three and the JRE are cached under $NTO_CACHE/cluster-images; the operator image is rebuilt when
# target/quarkus-app changes. Prints the archive paths. Usage: tools/cluster/images.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
mkdir -p "$IMAGES"
MK=(python3 "$CLUSTER_HOME/mkimage.py")

# The shared libraries a file needs (for dynamically linked binaries), copied into a rootfs.
copy_libs() {
  local root="$1" f lib
  shift
  for f in "$@"; do
    for lib in $(ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^\t\/lib/{print $1}'); do
      [[ -e "$root$lib" ]] && continue
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
  done
}
minimal_etc() { # minimal_etc <rootfs>: passwd/group with root, nobody and 185 (the Dockerfile's user)
  mkdir -p "$1/etc" "$1/tmp"
  chmod 1777 "$1/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\njboss:x:185:185:jboss:/deployments:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$1/etc/passwd"
  printf 'root:x:0:\njboss:x:185:\nnobody:x:65534:\n' >"$1/etc/group"
}

if [[ ! -f "$IMAGES/pause.tar" ]]; then
  r="$IMAGES/rootfs-pause"
  rm -rf "$r" && mkdir -p "$r"
  gcc -Os -static -o "$r/pause" "$CLUSTER_HOME/pause.c" && strip "$r/pause"
  "${MK[@]}" "$PAUSE_IMAGE" "$IMAGES/pause.tar" "$r" --entrypoint '["/pause"]' >&2
fi
if [[ ! -f "$IMAGES/busybox.tar" ]]; then
  r="$IMAGES/rootfs-busybox"
  rm -rf "$r" && mkdir -p "$r/bin" "$r/www"
  minimal_etc "$r"
  cp /bin/busybox "$r/bin/busybox"
  for a in $(/bin/busybox --list); do [[ "$a" == busybox ]] || ln -s busybox "$r/bin/$a"; done
  "${MK[@]}" "$BUSYBOX_IMAGE" "$IMAGES/busybox.tar" "$r" --cmd '["sh"]' >&2
fi
# binary_image <name> <image>: one Go binary of tools/control-plane/build.sh as the entrypoint of an image, rebuilt
# when the binary is newer than its archive.
binary_image() {
  local name="$1" image="$2" bin r
  bin="$(bin_dir)/$name"
  [[ -x "$bin" ]] || { log "no $bin: no $name image"; return 0; }
  [[ -f "$IMAGES/$name.tar" && ! "$bin" -nt "$IMAGES/$name.tar" ]] && return 0
  r="$IMAGES/rootfs-$name"
  rm -rf "$r" && mkdir -p "$r"
  minimal_etc "$r"
  cp "$bin" "$r/$name"
  copy_libs "$r" "$bin"
  "${MK[@]}" "$image" "$IMAGES/$name.tar" "$r" --entrypoint "[\"/$name\"]" >&2
}
binary_image coredns "$COREDNS_IMAGE"
binary_image traefik "$TRAEFIK_IMAGE"

# The JRE layer: jlink of the JDK that builds the project (Java 17), with its libraries and its default CDS archive
# (without one every JVM of the image, the probe pods' too, loads and verifies the JDK's classes from scratch).
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
jre="$IMAGES/rootfs-jre"
if [[ ! -f "$jre/.done-cds" ]]; then
  rm -rf "$jre" && mkdir -p "$jre/opt" "$jre/bin"
  minimal_etc "$jre"
  "$java_home/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.naming.dns,jdk.management \
    --strip-debug --no-man-pages --no-header-files --compress=2 --generate-cds-archive --output "$jre/opt/java" >&2
  copy_libs "$jre" "$jre/opt/java/bin/java" $(find "$jre/opt/java/lib" -name '*.so')
  # A shell for `kubectl exec` when something needs looking at.
  cp /bin/busybox "$jre/bin/busybox"
  for a in sh ls cat env sleep wget nc id ps; do ln -s busybox "$jre/bin/$a"; done
  touch "$jre/.done-cds"
fi

app="$PROJECT_DIR/target/quarkus-app"
[[ -f "$app/quarkus-run.jar" ]] || { log "no $app: build it first (./mvnw -B package -DskipTests)"; exit 1; }
stamp="$(cd "$app" && find . -type f -printf '%p %s %T@\n' | sort | sha256sum | cut -c1-16) $OPERATOR_IMAGE appcds"
if [[ ! -f "$IMAGES/operator.tar" || "$(cat "$IMAGES/operator.stamp" 2>/dev/null)" != "$stamp" ]]; then
  r="$IMAGES/rootfs-app"
  rm -rf "$r" && mkdir -p "$r/deployments"
  cp -r "$app/." "$r/deployments/"
  chmod -R a+rX "$r/deployments"
  # The probe pods' AppCDS archive (/deployments/probe.jsa, in their command): the classes of a training run of every
  # kind of check (`probe --train`), dumped by the image's own JVM with the application at its image path — chroot into
  # the image's tree — and with the jars' modification time 0, as in the image's layers (an archive names its jars by
  # path, size and mtime, and the JVM ignores it when one differs).
  train="$IMAGES/rootfs-train"
  rm -rf "$train" && mkdir -p "$train"
  cp -al "$jre/." "$train/" && cp -al "$r/." "$train/"
  find "$train" -exec touch -h -d @0 {} +
  mkdir -p "$train/proc"
  unshare --mount --fork sh -c 'mount -t proc proc "$1/proc" && exec chroot "$1" /opt/java/bin/java -XX:TieredStopAtLevel=1 -Xss512k \
      -XX:-UsePerfData -XX:ArchiveClassesAtExit=/deployments/probe.jsa -Xlog:cds=off -Xlog:cds+dynamic=off \
      -jar /deployments/quarkus-run.jar probe --train' train "$train" >&2
  cp "$train/deployments/probe.jsa" "$r/deployments/probe.jsa" && chmod a+r "$r/deployments/probe.jsa"
  rm -rf "$train"
  "${MK[@]}" "$OPERATOR_IMAGE" "$IMAGES/operator.tar" "$jre" "$r" --workdir /deployments --user 185 \
    --env JAVA_HOME=/opt/java --env PATH=/opt/java/bin:/usr/bin:/bin --env LANG=C.UTF-8 \
    --entrypoint '["java", "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", "-Dfile.encoding=UTF-8", "-jar", "/deployments/quarkus-run.jar"]' >&2
  echo "$stamp" >"$IMAGES/operator.stamp"
fi
ls "$IMAGES"/*.tar
