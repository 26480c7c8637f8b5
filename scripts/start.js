'use strict';
// `npm start` (SPEC §1, §20): builds only when an input changed since the
// last build, then runs the server in THIS process, so a SIGTERM or SIGINT
// that npm forwards reaches the server itself (graceful shutdown) and no
// child is left listening. package.json runs it with `exec`, so no shell
// stands between npm and this process either.
const { spawn } = require('node:child_process');
const { isFresh, ROOT } = require('./build-inputs');

function build() {
  return new Promise((resolve, reject) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    // Told to stop while building: stop the build too, then go.
    const stop = (signal) => child.kill(signal);
    process.on('SIGTERM', stop).on('SIGINT', stop);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGTERM', stop).off('SIGINT', stop);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `npm run build ${signal ? `stopped by ${signal}` : `exited with ${code}`}`,
          ),
        );
    });
  });
}

async function main() {
  if (isFresh()) {
    console.log(
      'opsgate: dist/ is up to date with src/ and console/; not building.',
    );
  } else {
    await build();
  }
  require('../dist/main.js');
}

main().catch((error) => {
  console.error(`opsgate: ${error.message}`);
  process.exit(1);
});
