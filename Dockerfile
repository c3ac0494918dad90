# syntax=docker/dockerfile:1
# SCO Data API. Build: docker build -t sco-api .   (podman: see scripts/container-smoke;
# several replicas on PostgreSQL behind a cache: compose.yaml)
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
# Only for builds behind a TLS-intercepting proxy: a CA bundle mounted for the build.
ARG PIP_CERT
ARG SSL_CERT_FILE
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python3 -m venv /opt/uv && /opt/uv/bin/pip install uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN /opt/uv/bin/uv sync --frozen --no-dev --no-install-project
COPY alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY seed ./seed
RUN /opt/uv/bin/uv sync --frozen --no-dev

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SCO_HOST=0.0.0.0 \
    SCO_PORT=8000 \
    SCO_METRICS_PORT=9100 \
    SCO_DATABASE_URL=sqlite:////data/sco.db
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
RUN mkdir -p /data && chown 999:999 /data
VOLUME ["/data"]
USER 999:999
# The API. /metrics is on 9100 (SCO_METRICS_PORT), for the deployment's own network: not
# exposed, so that publishing every exposed port (-P) never publishes it.
EXPOSE 8000
# Liveness only (/healthz never asks the database): a database that is away makes /readyz
# answer 503, and restarting the container would not bring it back.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python3", "-c", "import urllib.request; import os; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('SCO_PORT', '8000'), timeout=4)"]
# Migrate, seed an empty database (a seeded one is never rewritten), then serve: one
# container on SQLite. Replicas sharing a PostgreSQL run `sco-api serve` instead, after a
# one-shot `sco-api setup` (compose.yaml). The root filesystem may be read-only: only
# /data (SQLite) and /tmp are written.
CMD ["sco-api", "start"]
