#!/usr/bin/env bash
# Make this machine able to run docker-compose.yml without a Docker engine: Debian's podman and
# runc, a podman configuration for a host without systemd, a locally made python:3.11-slim base
# image, and the two stand-in images (docs/docker.md). Every step is skipped when already done.
# Prints the environment the other scripts use (CONTAINERS_CONF), as `export` lines.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${PETSTORE_COMPOSE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/petstore-compose}"
BASE_IMAGE="docker.io/library/python:3.11-slim"
mkdir -p "$CACHE"
say() { echo "compose-setup: $*" >&2; }

# 1. Packages (root only: CI machines are clean, a user may have them already).
missing=()
for tool in podman:podman runc:runc debootstrap:debootstrap; do
    command -v "${tool%%:*}" >/dev/null || missing+=("${tool##*:}")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" != 0 ]; then
        say "missing ${missing[*]}: install Debian's packages (apt-get install ${missing[*]})"
        exit 1
    fi
    say "installing ${missing[*]} (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 2. podman's configuration, in a file of our own (CONTAINERS_CONF): runc, cgroupfs (no systemd
# here), and ulimits within the machine's hard limits (podman's defaults exceed them; and
# where the process limit is above kernel.pid_max, runc cannot set it either).
conf="$CACHE/containers.conf"
nofile=$(ulimit -Hn); nproc=$(ulimit -Hu); pid_max=$(cat /proc/sys/kernel/pid_max)
[ "$nofile" = unlimited ] && nofile=1048576
{ [ "$nproc" = unlimited ] || [ "$nproc" -gt "$pid_max" ]; } && nproc=$pid_max
want=$(cat <<CONF
# Written by deploy/podman/setup.sh.
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
)
if [ "$(cat "$conf" 2>/dev/null)" != "$want" ]; then
    printf '%s\n' "$want" >"$conf"
    say "wrote $conf"
fi
export CONTAINERS_CONF="$conf"

# 3. The base image: no registry can be reached, so python:3.11-slim is a Debian minbase with
# Python 3.11, made with debootstrap from this machine's own Debian mirror (cached tarball).
mirror() {
    local uri
    uri=$(grep -rhsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/ \
        | grep -vE 'security|updates' | grep -oE 'https?://[^ ]*debian/?' | head -1)
    echo "${uri:-http://deb.debian.org/debian}"
}
tarball="$CACHE/python-3.11-slim.tar"
if ! podman image exists "$BASE_IMAGE"; then
    if [ ! -s "$tarball" ]; then
        root=$(mktemp -d)
        say "making the base image with debootstrap from $(mirror) (about a minute)"
        debootstrap --variant=minbase \
            --include=python3,python3-venv,python3-pip,python-is-python3,ca-certificates \
            bookworm "$root" "$(mirror)" >"$CACHE/debootstrap.log" 2>&1 \
            || { say "debootstrap failed, see $CACHE/debootstrap.log"; rm -rf "$root"; exit 1; }
        tar -C "$root" -cf "$tarball.partial" .
        mv "$tarball.partial" "$tarball"
        rm -rf "$root"
    fi
    podman import --quiet "$tarball" "$BASE_IMAGE" >/dev/null
    say "imported $BASE_IMAGE (a local Debian bookworm base, not Docker Hub's image)"
fi

# 4. The stand-ins for the two third-party images (rebuilt only when their files change:
# podman's layer cache).
build_args=()
# A machine with its own CA bundle (a proxy that inspects TLS) needs it inside builds too.
[ -s /etc/ssl/certs/ca-certificates.crt ] && \
    build_args+=(-v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro)
for standin in valkey kafka; do
    image="localhost/petstore-stand-in/$standin:latest"
    podman build --quiet "${build_args[@]}" -t "$image" "$HERE/stand-ins/$standin" >/dev/null
    say "stand-in image $image ready (replaces the official $standin image, docs/docker.md)"
done
echo "export CONTAINERS_CONF=$conf"
echo "export PETSTORE_PODMAN_BUILD_ARGS='${build_args[*]}'"
