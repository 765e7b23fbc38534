// Builds the portal (web/) into dist/web, which `twofold serve` serves at `/`. In development,
// `npx vite --config web/vite.config.ts` proxies /v1 to a server on :8080 and rewrites Origin so
// the server's CSRF check (Origin must be the public URL) passes.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.TWOFOLD_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    // Fonts and images stay files: the server's CSP allows data: for images only where needed.
    assetsInlineLimit: 0,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/v1': {
        target: api,
        configure: (proxy) => {
          proxy.on('proxyReq', (req) => {
            if (req.getHeader('origin')) req.setHeader('origin', new URL(api).origin);
          });
        },
      },
      // The development outbox's data (the /dev/outbox page itself is the app's).
      '/dev/outbox.json': { target: api },
    },
  },
});
