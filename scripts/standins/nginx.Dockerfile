# A stand-in for docker.io/library/nginx, made from Debian's nginx-light package, for
# machines that reach no container registry (scripts/compose-demo). compose.yaml mounts its
# own /etc/nginx/nginx.conf and runs `nginx -g "daemon off;"`. Never for production.
ARG BASE=docker.io/library/debian:bookworm-slim
FROM ${BASE}
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        nginx-light && rm -rf /var/lib/apt/lists/* && mkdir -p /var/cache/nginx
STOPSIGNAL SIGQUIT
EXPOSE 80
CMD ["nginx", "-g", "daemon off;"]
