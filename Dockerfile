# One image for every app; docker compose and Kubernetes pick the app with APP (or the command).
# Stage 1 builds the whole workspace; stage 2 carries only production dependencies and dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
ENV APP=ingest-gateway
CMD ["sh", "-c", "exec node dist/apps/$APP/src/main.js"]
