'use strict';
// After every `npm run build` (npm runs this as its `postbuild`): the CLI's
// entry point stays executable, since `nest build` empties dist/ and writes
// files without the execute bit that `npx opsgate` needs (SPEC §20); and the
// stamp of the inputs this build came from, so `npm start` can skip the next
// build when nothing changed.
const { chmodSync } = require('node:fs');
const { join } = require('node:path');
const { ROOT, writeStamp } = require('./build-inputs');

chmodSync(join(ROOT, 'dist', 'cli', 'main.js'), 0o755);
writeStamp();
