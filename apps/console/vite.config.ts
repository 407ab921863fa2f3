import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by the Beacon server at `/` on its own port; `pnpm dev` proxies the API to
// a server on BEACON_URL (default http://127.0.0.1:8848).
const target = process.env['BEACON_URL'] ?? 'http://127.0.0.1:8848';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 800 },
  server: { proxy: { '/api': target, '/nacos': target } },
});
