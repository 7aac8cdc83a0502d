import { defineConfig } from 'vite';

// Preact through Vite's own JSX transform (no Babel preset): the bundle is self-contained, so the
// API serves it as static files and nothing is fetched at run time.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: { proxy: { '/v1': process.env['NETFLEET_API'] ?? 'http://127.0.0.1:8080' } },
});
