#!/usr/bin/env bash
# Seed a scratch database from seed/dataset.yaml and export it back, in the file's own order.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=$(mktemp -d)/c.db
export SCO_DATABASE_URL="sqlite:///$db"
./dev sco-api migrate >/dev/null
./dev sco-api seed
./dev sco-api check | tail -1
./dev sco-api export seed/dataset.yaml
