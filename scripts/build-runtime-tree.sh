#!/bin/sh
# Lays out what the server needs at run time in $1, from a built workspace (`pnpm build`):
#   $1/packages/server   the server with its production dependencies only (pnpm deploy --prod)
#   $1/apps/console/dist the built console, where the server looks for it
# The Dockerfile's runtime image is this tree; packages/server/test/deploy tests it without Docker.
set -eu
out=${1:?usage: build-runtime-tree.sh <empty or new directory>}
rm -rf "$out"
pnpm --filter @beacon/server deploy --prod --legacy --offline "$out/packages/server" >/dev/null
# TypeScript arrives only as an optional peer of @nestjs/swagger, for its compiler plugin, which the
# server never loads: leave it out of the runtime.
find "$out/packages/server/node_modules/.pnpm" -maxdepth 3 -name typescript -exec rm -rf {} +
rm -rf "$out"/packages/server/node_modules/.pnpm/typescript@*
mkdir -p "$out/apps/console"
cp -R apps/console/dist "$out/apps/console/dist"
