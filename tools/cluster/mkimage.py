#!/usr/bin/env python3
"""Writes an OCI image archive (the oci-archive layout, one layer per ROOTFS directory) without any
registry, daemon or container tool; `ctr -n k8s.io images import` takes it.

usage: mkimage.py NAME OUT.tar ROOTFS [ROOTFS...] [--entrypoint JSON] [--cmd JSON] [--env K=V]...
                  [--workdir DIR] [--user UID]
NAME is the full reference the kubelet will ask for, e.g. localhost/network-topology-operator:dev.
Layers are reproducible: sorted entries, owner root, mtime 0.
"""
import argparse
import hashlib
import io
import json
import os
import tarfile


def layer(root):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(dirnames) + sorted(filenames):
                path = os.path.join(dirpath, name)
                info = tar.gettarinfo(path, arcname=os.path.relpath(path, root))
                info.uid = info.gid = 0
                info.uname = info.gname = "root"
                info.mtime = 0
                if info.isreg():
                    with open(path, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)
    return buf.getvalue()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("out")
    ap.add_argument("rootfs", nargs="+")
    ap.add_argument("--entrypoint")
    ap.add_argument("--cmd")
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--workdir", default="/")
    ap.add_argument("--user")
    a = ap.parse_args()

    blobs = {}

    def blob(data):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        blobs[digest] = data
        return digest, len(data)

    layers = [blob(layer(root)) for root in a.rootfs]
    config = {
        "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] + a.env,
        "WorkingDir": a.workdir,
    }
    if a.entrypoint:
        config["Entrypoint"] = json.loads(a.entrypoint)
    if a.cmd:
        config["Cmd"] = json.loads(a.cmd)
    if a.user:
        config["User"] = a.user
    cfg = json.dumps({
        "architecture": "amd64", "os": "linux", "config": config,
        "rootfs": {"type": "layers", "diff_ids": [d for d, _ in layers]},
        "history": [{"created_by": "tools/cluster/mkimage.py"} for _ in layers],
    }, sort_keys=True).encode()
    cfg_digest, cfg_size = blob(cfg)
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfg_digest, "size": cfg_size},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": s} for d, s in layers],
    }, sort_keys=True).encode()
    man_digest, man_size = blob(manifest)
    tag = a.name.rsplit(":", 1)[1] if ":" in a.name.rsplit("/", 1)[-1] else "latest"
    index = json.dumps({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": man_digest, "size": man_size,
        "platform": {"architecture": "amd64", "os": "linux"},
        "annotations": {"io.containerd.image.name": a.name, "org.opencontainers.image.ref.name": tag},
    }]}).encode()

    tmp = a.out + ".tmp"
    with tarfile.open(tmp, "w") as tar:
        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        add("oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
        add("index.json", index)
        for digest, data in blobs.items():
            add("blobs/sha256/" + digest.split(":", 1)[1], data)
    os.replace(tmp, a.out)
    print(f"{a.out}: {a.name} ({sum(s for _, s in layers) // 1024} KiB in {len(layers)} layer(s))")


if __name__ == "__main__":
    main()
