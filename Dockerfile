# Build stage: every dependency, the SWC build, then only the files the service and the emulator load
# (tools/image-files.js traces them from the entry points).
FROM node:24-bookworm-slim AS build
# Lets the container test remove its superseded build stages (deploy/test), never anyone else's images.
LABEL binance-rates.stage=build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && node tools/image-files.js /image

# Runtime stage: Debian slim, the Node.js binary of the build stage, and the traced files; runs as `node` (uid 1000).
# Left out of node:24-bookworm-slim: npm, corepack and yarn, Node's C headers (nothing is compiled at run time).
FROM debian:bookworm-slim AS runtime
COPY --from=build /usr/local/bin/node /usr/local/bin/node
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --no-create-home --shell /usr/sbin/nologin node
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    PORT=3000
WORKDIR /app
COPY --from=build /image ./
USER node
EXPOSE 3000
# Liveness (/health/live): unhealthy means hung, worth a restart; a store outage only fails /health/ready (README "Health").
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# --max-semi-space-size: see README "Memory".
CMD ["node", "--max-semi-space-size=8", "dist/apps/api/src/main.js"]
