# wagroups in a container, typically for `wagroups watch` (one per WhatsApp instance).
# Build: docker build -t wagroups .
# Run:   docker run -p 8080:8080 -v "$PWD/groups:/fleet/groups:ro" \
#          -e WAWP_INSTANCE_ID -e WAWP_ACCESS_TOKEN -e WAWP_SELF -e WAGROUPS_WEBHOOK_SECRET wagroups

# ---- build: compile TypeScript and the schema validators, then keep only runtime dependencies ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY schemas ./schemas
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: no compiler, no dev dependencies, not root ----
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/schemas ./schemas
# the image's own unprivileged user (uid 1000); the code it runs stays root-owned, so read-only to it
USER node
WORKDIR /fleet
EXPOSE 8080
# /healthz answers 200 once the first full resync finished
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["watch", "--dir", "groups", "--host", "0.0.0.0", "--port", "8080"]
