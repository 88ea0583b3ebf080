import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Served by the server at /inbox from inbox/dist; hashed files under assets/ are long-cached.
export default defineConfig({
  base: '/inbox/',
  // `npm run dev -w inbox` next to `npm run dev`: the API and sockets go to the server.
  server: { proxy: { '/api': 'http://localhost:3000', '/socket.io': { target: 'ws://localhost:3000', ws: true } } },
  // The protocol's `matches` patterns are checked with the browser's RegExp here (re2-browser.ts); the server runs RE2.
  resolve: { alias: { re2js: fileURLToPath(new URL('./src/lib/re2-browser.ts', import.meta.url)) } },
  // The manifest tells build-size.mjs what the first load is (the settings are chunks loaded later).
  build: { outDir: 'dist', target: 'es2022', emptyOutDir: true, reportCompressedSize: false, manifest: true },
});
