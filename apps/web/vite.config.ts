import react from '@vitejs/plugin-react';
import { defineConfig, type ViteUserConfig } from 'vitest/config';
import { resolveDevServerTarget } from './dev-server-target.js';

// Only `vite` itself (npm run dev) proxies the chat endpoints to the chat server; builds and
// tests never reach it, so a PORT they ignore cannot stop them.
function createDevServer(): ViteUserConfig['server'] {
  const target = resolveDevServerTarget(process.env);
  return {
    proxy: {
      '/ws': { target, ws: true },
      '/relay': { target, ws: true },
      '/healthz': { target },
    },
  };
}

export default defineConfig(({ command, mode }) => ({
  plugins: [react()],
  server: command === 'serve' && mode !== 'test' ? createDevServer() : {},
  test: {
    environment: 'happy-dom',
  },
}));
