'use strict';
// What `npm start` compares to decide whether to build (SPEC §1, §20): the
// contents of every input of `npm run build`. Content, not mtimes, so a
// checkout that touches files without changing them does not rebuild, and a
// clock that moved back cannot hide a change. Plain JavaScript: it runs
// before anything is compiled.
const { createHash } = require('node:crypto');
const {
  existsSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
const STAMP = join(ROOT, 'dist', '.build-inputs');
/** Folders and files the build reads; generated files inside them are skipped. */
const INPUTS = [
  'src',
  'console',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'package.json',
  'package-lock.json',
  'scripts/build-console.ts',
  'scripts/console-types.ts',
  'scripts/export-openapi.ts',
];
const SKIPPED = new Set(['node_modules', 'dist', 'generated']);
/** What the build must have left for the server and the CLI to run. */
const OUTPUTS = ['dist/main.js', 'dist/cli/main.js', 'dist/console/index.html'];

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => !SKIPPED.has(name))
    .sort()
    .flatMap((name) => files(join(path, name)));
}

/** One digest over every input's path and content. */
function inputsDigest() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => files(join(ROOT, input)))) {
    hash.update(relative(ROOT, file)).update('\0');
    hash.update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** Whether dist/ was built from exactly the inputs there are now. */
function isFresh() {
  if (!OUTPUTS.every((output) => existsSync(join(ROOT, output)))) return false;
  if (!existsSync(STAMP)) return false;
  return readFileSync(STAMP, 'utf8').trim() === inputsDigest();
}

function writeStamp() {
  writeFileSync(STAMP, `${inputsDigest()}\n`);
}

module.exports = { isFresh, writeStamp, inputsDigest, ROOT };
