import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web console: a static single-page app, built into dist/apps/console and served by the origin at `/`.
// `vite --config apps/console/vite.config.ts` serves it for development, with the API proxied to a
// running `npm start` (http://localhost:8080).
export default defineConfig({
  root: __dirname,
  plugins: [react()],
  build: {
    outDir: resolve(__dirname, '../../dist/apps/console'),
    emptyOutDir: true,
    // No source maps in the build: nothing here reads them, and the origin would not serve them anyway
    // (apps/origin/src/console-files.ts answers 404 for any .map).
    sourcemap: false,
    // The initial JS must stay small (< 250 KB gzip): pages load on demand.
    chunkSizeWarningLimit: 400,
  },
  server: { proxy: { '/api': 'http://localhost:8080' } },
});
