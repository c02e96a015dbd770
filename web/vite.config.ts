import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The server serves the built bundle from its static folder; in development Vite proxies
// the API to a running `ontolabel serve`.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "../src/ontolabel/server/static",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8080" },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
