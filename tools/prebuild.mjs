#!/usr/bin/env node
// The prebuilt addon that goes into the npm tarball (npm's prepack and postpack scripts):
//
//   node tools/prebuild.mjs           make, then copy the addon to prebuilds/<platform>-<arch>/
//   node tools/prebuild.mjs --clean   remove prebuilds/ again
//
// The name is node-gyp-build's for an N-API binary tagged with its libc
// (node.napi.glibc.node): the addon is built with NAPI_VERSION=8, so one file serves every
// Node major. The loader (ts-bindings/src/host/native.ts) tries it before the source build. It
// is removed after packing so that a clone never loads a stale copy of the addon it builds.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const prebuilds = path.join(root, 'prebuilds');

if (process.argv[2] === '--clean') {
	fs.rmSync(prebuilds, { recursive: true, force: true });
	process.exit(0);
}

execFileSync('make', ['-C', root], { stdio: ['ignore', 2, 2] });
const libc = process.report.getReport().header.glibcVersionRuntime ? 'glibc' : 'musl';
const dir = path.join(prebuilds, `${process.platform}-${process.arch}`);
fs.rmSync(prebuilds, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
const dest = path.join(dir, `node.napi.${libc}.node`);
fs.copyFileSync(path.join(root, 'ts-bindings', 'native', 'build', 'Release', 'wasock.node'), dest);
process.stderr.write(`prebuild: ${path.relative(root, dest)}\n`);
