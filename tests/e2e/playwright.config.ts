// End-to-end tests of the built app. Nothing is built here: `trunk build --release` writes
// dist/ first (scripts/test-all does), and two python http.servers on 127.0.0.1 serve it,
// once at the root and once under a sub-path (/some/path/).
import { defineConfig } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const repo = path.resolve(__dirname, '..', '..');
const dist = path.join(repo, 'dist');
const subpathRoot = path.join(repo, 'target', 'e2e-subpath');

// Free ports, chosen once in the main process; workers re-read the config and inherit them.
function freePort(): string {
  return execFileSync('python3', ['-c',
    'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()',
  ]).toString().trim();
}
process.env.E2E_PORT ??= freePort();
process.env.E2E_SUBPATH_PORT ??= freePort();
const port = process.env.E2E_PORT;
const subpathPort = process.env.E2E_SUBPATH_PORT;

const needDist = `test -f '${dist}/index.html' || { echo 'dist/ is missing: run trunk build --release first' >&2; exit 1; }`;

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts/,
  timeout: 30_000,
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  reporter: [['list']],
  outputDir: path.join(repo, 'target', 'e2e-results'),
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    browserName: 'chromium',
    viewport: { width: 1280, height: 720 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'off',
  },
  webServer: [
    {
      command: `sh -c "${needDist} && exec python3 -m http.server --bind 127.0.0.1 --directory '${dist}' ${port}"`,
      url: `http://127.0.0.1:${port}/index.html`,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'ignore',
      timeout: 20_000,
    },
    {
      // A copy of dist/ under /some/path/, to prove every asset path is relative.
      command: `sh -c "${needDist} && rm -rf '${subpathRoot}' && mkdir -p '${subpathRoot}/some/path' && cp -R '${dist}/.' '${subpathRoot}/some/path/' && exec python3 -m http.server --bind 127.0.0.1 --directory '${subpathRoot}' ${subpathPort}"`,
      url: `http://127.0.0.1:${subpathPort}/some/path/index.html`,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'ignore',
      timeout: 20_000,
    },
  ],
});
