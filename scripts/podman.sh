# Podman where no Docker engine runs and no container registry is reached (the settings seen
# working in ../shared/CONTAINERS.md). Sourced by scripts/container-smoke and
# scripts/compose-demo; SCO_PODMAN_DIR (default /tmp/sco-podman) holds its storage.

SCO_PODMAN_DIR=${SCO_PODMAN_DIR:-${SCO_SMOKE_DIR:-/tmp/sco-podman}}
PODMAN_BASE=python:3.11-slim-bookworm   # the Dockerfile's FROM
PODMAN_CA=/etc/ssl/certs/ca-certificates.crt

# Install podman if missing; write its settings (runc, cgroupfs, vfs storage) and use them.
podman_ready() {
  if ! command -v podman >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq podman buildah runc debootstrap >/dev/null
  fi
  mkdir -p "$SCO_PODMAN_DIR"
  cat >"$SCO_PODMAN_DIR/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  cat >"$SCO_PODMAN_DIR/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$SCO_PODMAN_DIR/podroot"
runroot = "$SCO_PODMAN_DIR/podrun"
CONF
  export CONTAINERS_CONF="$SCO_PODMAN_DIR/containers.conf"
  export CONTAINERS_STORAGE_CONF="$SCO_PODMAN_DIR/storage.conf"
}

# The Dockerfile's base image: pulled, or, with no registry, made from Debian's packages
# (debootstrap, about 1.5 minutes) under the same name, so the Dockerfile stays standard.
podman_base() {
  if podman image exists "$PODMAN_BASE"; then return; fi
  if podman pull -q "docker.io/library/$PODMAN_BASE" >/dev/null 2>&1; then return; fi
  echo "no registry: making $PODMAN_BASE from Debian packages (debootstrap)"
  local rootfs="$SCO_PODMAN_DIR/rootfs"
  rm -rf "$rootfs"
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    bookworm "$rootfs" >"$SCO_PODMAN_DIR/debootstrap.log" 2>&1
  tar -C "$rootfs" -c . | podman import - "docker.io/library/$PODMAN_BASE" >/dev/null
  rm -rf "$rootfs"
}

# podman build with what these machines need: chroot isolation, the Docker format (it keeps
# HEALTHCHECK), and this machine's CA bundle mounted for the build's downloads only.
podman_build() {
  local tls=()
  if [ -f "$PODMAN_CA" ]; then
    tls=(-v "$PODMAN_CA:$PODMAN_CA:ro" --build-arg "PIP_CERT=$PODMAN_CA"
      --build-arg "SSL_CERT_FILE=$PODMAN_CA")
  fi
  podman build --isolation chroot --format docker "${tls[@]}" "$@"
}
