#!/bin/sh
# Lays out what the server needs at run time in $1, from a built workspace (`pnpm build`):
#   $1/packages/server   the server with its production dependencies only (pnpm deploy --prod)
#   $1/apps/console/dist the built console, where the server looks for it
# The Dockerfile's runtime image is this tree; packages/server/test/deploy tests it without Docker.
#
# Not --offline: a legacy deploy resolves the package's ranges again and needs pnpm's metadata cache,
# which a frozen-lockfile install never fills (a fresh machine has none). --prefer-offline takes the
# packages from the store and asks the registry only for what the cache lacks.
set -eu
out=${1:?usage: build-runtime-tree.sh <empty or new directory>}
rm -rf "$out"
mkdir -p "$out"
log="$out/.deploy.log"
if ! pnpm --filter @beacon/server deploy --prod --legacy --prefer-offline "$out/packages/server" >"$log" 2>&1; then
  cat "$log" >&2
  echo "build-runtime-tree.sh: pnpm deploy failed (its output is above)" >&2
  exit 1
fi
rm -f "$log"
# TypeScript arrives only as an optional peer of @nestjs/swagger, for its compiler plugin, which the
# server never loads: leave it out of the runtime.
find "$out/packages/server/node_modules/.pnpm" -maxdepth 3 -name typescript -exec rm -rf {} +
rm -rf "$out"/packages/server/node_modules/.pnpm/typescript@*
mkdir -p "$out/apps/console"
cp -R apps/console/dist "$out/apps/console/dist"
