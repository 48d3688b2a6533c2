import { defineConfig } from 'vite';

// No React plugin: esbuild compiles JSX with the automatic runtime, which is all the build needs
// (the dev server reloads the page on change instead of hot-swapping components).
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // ECharts is the bulk of the bundle; it gets its own long-cached chunk.
    rollupOptions: {
      // react-router marks its modules "use client" for server components; a plain SPA ignores it.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      output: {
        manualChunks: {
          echarts: ['echarts/core', 'echarts/charts', 'echarts/components', 'echarts/renderers'],
        },
      },
    },
    chunkSizeWarningLimit: 900,
  },
  // `npm run dev -w apps/web` next to a running `npm start`: the API stays on its own port.
  server: { proxy: { '/api': process.env.VIGIL_API ?? 'http://127.0.0.1:8080' } },
});
