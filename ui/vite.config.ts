import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vitest/config";
import { withShell } from "./src/lib/app/shell.ts";

// Tauri serves the built files from ui/dist; the dev server runs on a fixed port the app points at.
export default defineConfig(({ mode }) => ({
  base: "./",
  // index.html gets the app shell (lib/app/shell.ts): the first frame, painted before the script.
  plugins: [svelte(), { name: "easel-app-shell", transformIndexHtml: withShell }],
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    watch: { ignored: ["**/node_modules/**", "**/dist/**"] },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
  },
  // Svelte's browser build (mount, events) is what components need under jsdom.
  resolve: mode === "test" ? { conditions: ["browser"] } : undefined,
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    // jsdom lacks matchMedia, ResizeObserver and elementFromPoint, which the UI calls.
    setupFiles: ["src/lib/testing/jsdom-setup.ts"],
    clearMocks: true,
    restoreMocks: true,
  },
}));
