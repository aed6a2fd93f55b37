#!/usr/bin/env python3
"""The cluster's load balancer: gives every LoadBalancer Service (of the default class) an address.

What a cloud's controller (or MetalLB) does, reduced to what a machine without network can do: each Service of type
LoadBalancer without spec.loadBalancerClass gets the lowest free address of the range in
status.loadBalancer.ingress; kube-proxy then programs that address on every node like a cloud load balancer's
forwarding. The range is on-link on the node network and behind the egress guard, so nothing leaves the machine.
An address is free again once its Service is gone or changed type. Polls once a second (bounded by the run).

Usage: lb.py --kubectl KUBECTL --kubeconfig FILE --range 10.99.1.0/24
"""
import argparse
import ipaddress
import json
import subprocess
import sys
import time


def kubectl(args, cmd, stdin=None):
    return subprocess.run([args.kubectl, "--kubeconfig", args.kubeconfig, *cmd], input=stdin, capture_output=True, text=True,
                          timeout=30)


def ours(svc):
    spec = svc.get("spec", {})
    return spec.get("type") == "LoadBalancer" and not spec.get("loadBalancerClass")


def addresses(svc):
    return [i.get("ip") for i in (svc.get("status", {}).get("loadBalancer", {}).get("ingress") or []) if i.get("ip")]


def step(args, pool):
    got = kubectl(args, ["get", "services", "--all-namespaces", "-o", "json"])
    if got.returncode != 0:
        print(f"list services: {got.stderr.strip()}", file=sys.stderr)
        return
    services = json.loads(got.stdout)["items"]
    used = {ip for svc in services if ours(svc) for ip in addresses(svc)}
    for svc in services:
        if not ours(svc) or addresses(svc):
            continue
        free = next((ip for ip in pool if ip not in used), None)
        name = f"{svc['metadata']['namespace']}/{svc['metadata']['name']}"
        if free is None:
            print(f"{name}: no free address in {args.range}", file=sys.stderr)
            continue
        patch = json.dumps({"status": {"loadBalancer": {"ingress": [{"ip": free, "ipMode": "VIP"}]}}})
        done = kubectl(args, ["-n", svc["metadata"]["namespace"], "patch", "service", svc["metadata"]["name"],
                              "--subresource=status", "--type=merge", "-p", patch])
        if done.returncode == 0:
            used.add(free)
            print(f"{name}: {free}", flush=True)
        else:
            print(f"{name}: {done.stderr.strip()}", file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kubectl", required=True)
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--range", required=True)
    args = parser.parse_args()
    network = ipaddress.ip_network(args.range)
    pool = [str(ip) for ip in list(network.hosts())[9:]]  # .10 onwards
    print(f"load balancer addresses from {pool[0]} to {pool[-1]}", flush=True)
    while True:
        try:
            step(args, pool)
        except (subprocess.TimeoutExpired, ValueError, KeyError) as e:
            print(f"retrying: {e}", file=sys.stderr, flush=True)
        time.sleep(1)


if __name__ == "__main__":
    main()
