# syntax=docker/dockerfile:1
# Beacon: the server and its web console on one port (8848), Nacos 2.x gRPC on 9848, data in /data.
#   docker compose up          (see docker-compose.yml)
#   docker build -t beacon . && docker run -p 8848:8848 -p 9848:9848 -v beacon-data:/data beacon

ARG NODE_IMAGE=node:20-bookworm-slim

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
# Keep only what the server needs at run time: a fresh production-only install from the same store
# (pnpm install --prod alone would leave the dev packages in node_modules/.pnpm).
RUN find . -name node_modules -type d -prune -exec rm -rf {} + \
  && pnpm install --offline --frozen-lockfile --prod

# ---- runtime: Node, the built server, its production dependencies and the built console ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
  PORT=8848 \
  HOST=0.0.0.0 \
  BEACON_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json /app/pnpm-workspace.yaml ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages/core/package.json ./packages/core/package.json
COPY --from=build /app/packages/core/dist ./packages/core/dist
COPY --from=build /app/packages/server/package.json ./packages/server/package.json
COPY --from=build /app/packages/server/dist ./packages/server/dist
COPY --from=build /app/packages/server/proto ./packages/server/proto
COPY --from=build /app/packages/server/node_modules ./packages/server/node_modules
COPY --from=build /app/apps/console/dist ./apps/console/dist
# The data directory belongs to the unprivileged user, also when a fresh named volume is mounted.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
# 9848: Nacos 2.x gRPC (PORT + 1000).
EXPOSE 8848 9848
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8848) + '/nacos/v1/console/health/readiness').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "packages/server/dist/main.js"]
