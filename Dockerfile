# syntax=docker/dockerfile:1
# Beacon: the server and its web console on one port (8848), Nacos 2.x gRPC on 9848, data in /data.
#   docker compose up          (see docker-compose.yml)
#   docker build -t beacon . && docker run -p 127.0.0.1:8848:8848 -p 127.0.0.1:9848:9848 -v beacon-data:/data beacon

# A supported Node LTS (Node 20 reached its end of life in April 2026; the code runs on 20.19+).
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: install everything, compile the server, SDK and core, build the console ----
FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
RUN npm install -g pnpm@10.34.9
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 CI=true
WORKDIR /app
# Dependencies first (cached until the lockfile changes), then the sources.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile
RUN pnpm build
# What the server needs at run time, in /runtime: the server with its production dependencies only
# (pnpm deploy --prod; no TypeScript, React or TanStack: the console is a built bundle) and the
# built console. packages/server/test/deploy builds the same tree without Docker and starts it.
# It takes the packages from the store `pnpm fetch` filled and asks the registry for metadata only:
# nothing here relies on a warm pnpm cache.
RUN sh scripts/build-runtime-tree.sh /runtime

# ---- runtime: Node and the runtime tree, run by the unprivileged user `node` ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
  PORT=8848 \
  HOST=0.0.0.0 \
  BEACON_DATA_DIR=/data
WORKDIR /app
COPY --from=build /runtime ./
# The data directory belongs to the unprivileged user, also when a fresh named volume is mounted.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
# 9848: Nacos 2.x gRPC (PORT + 1000).
EXPOSE 8848 9848
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8848) + '/nacos/v1/console/health/readiness').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "packages/server/dist/main.js"]
