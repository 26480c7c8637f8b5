#!/usr/bin/env node
import 'reflect-metadata';
import { runCli } from './cli';

// `npx opsgate <command>`: package.json's bin, built with the server.
void runCli(process.argv, {
  stdin: process.stdin,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then((code) => {
  process.exitCode = code;
});
