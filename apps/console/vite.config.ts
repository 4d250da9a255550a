import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web console: a static single-page app, built into dist/apps/console and served by the origin at `/`.
// `vite --config apps/console/vite.config.ts` serves it for development, with the API proxied to a
// running `npm start` (http://localhost:8080).
export default defineConfig({
  root: __dirname,
  plugins: [react()],
  // The typed API client (libs/client), as tsconfig.base.json names it.
  resolve: { alias: { '@daalu/client': resolve(__dirname, '../../libs/client/src/index.ts') } },
  build: {
    outDir: resolve(__dirname, '../../dist/apps/console'),
    emptyOutDir: true,
    // No source maps in the build: nothing here reads them, and the origin would not serve them anyway
    // (apps/origin/src/console-files.ts answers 404 for any .map).
    sourcemap: false,
    // The initial JS must stay small (< 250 KB gzip, apps/console/test/bundle-size.e2e-spec.ts): pages load
    // on demand. The entry (React, the router, the query cache, the typed API client) is about 130 KB gzip,
    // 403 KB raw: a warning past 420 KB raw.
    chunkSizeWarningLimit: 420,
  },
  server: { proxy: { '/api': 'http://localhost:8080' } },
});
