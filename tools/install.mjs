#!/usr/bin/env node
// npm's install script.
//
// In a clone (the Makefile, the C sources and the devDependencies are there) it runs `make`,
// which builds everything from source: the developer path.
//
// In an installed package, dist/, the core .wasm and the guest SDK come prebuilt; only the
// addon may be missing. If the library loads (a prebuild fits, see ts-bindings/src/host/native.ts)
// there is nothing to do; else the addon is built from its source with node-gyp, and a
// failure is one line naming what is missing and the command that fixes it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (...p) => path.join(root, ...p);

function fail(msg) {
	process.stderr.write(`wasock: ${msg}\n`);
	process.exit(1);
}

// npm only warns about "engines"; the library's syntax and N-API level need Node 20.
const major = Number(process.versions.node.split('.')[0]);
if (major < 20) fail(`wasock needs Node 20 or newer (this is ${process.version}): install a newer Node, e.g. from nodejs.org`);

if (fs.existsSync(at('Makefile')) && fs.existsSync(at('core-c', 'src')) && fs.existsSync(at('node_modules', '.bin', 'esbuild'))) {
	const r = spawnSync('make', { cwd: root, stdio: 'inherit' });
	if (r.error) fail(`make: ${r.error.message} (install make, clang, lld and python3)`);
	process.exit(r.status ?? 1);
}

if (process.platform !== 'linux') fail(`wasock supports Linux only (this is ${process.platform}-${process.arch})`);

// The loader's own decision, in this process: a failed import leaves nothing behind that
// matters, since the check after a build runs in a child.
const entry = pathToFileURL(at('dist', 'index.js')).href;
try {
	await import(entry);
	process.exit(0);
} catch { /* no addon loads: build one */ }

function which(name) {
	return (process.env.PATH ?? '').split(path.delimiter).some((d) => {
		try {
			fs.accessSync(path.join(d, name), fs.constants.X_OK);
			return true;
		} catch {
			return false;
		}
	});
}

// npm names its node-gyp in npm_config_node_gyp (a script run with node); else one on PATH,
// else the one npm bundles (`npm rebuild` outside a lifecycle, or node tools/install.mjs).
function bundledGyp() {
	const npmBin = (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'npm')).find((p) => fs.existsSync(p));
	const js = npmBin && path.join(path.dirname(fs.realpathSync(npmBin)), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
	return js && fs.existsSync(js) ? [process.execPath, js] : null;
}
const gyp = process.env.npm_config_node_gyp ? [process.execPath, process.env.npm_config_node_gyp]
	: which('node-gyp') ? ['node-gyp'] : bundledGyp();
// node-gyp downloads Node's headers unless told where they are: use those installed beside node.
const headers = path.resolve(path.dirname(process.execPath), '..', 'include', 'node');
const nodedir = !process.env.npm_config_nodedir && fs.existsSync(path.join(headers, 'node_api.h'))
	? [`--nodedir=${path.dirname(path.dirname(headers))}`] : [];
const fix = 'then run npm rebuild wasock';
const missing = [['python3', 'python3'], ['make', 'make'], ['cc', 'a C compiler (cc)']]
	.filter(([bin]) => !which(bin)).map(([, what]) => what);
const where = `${process.platform}-${process.arch}`;
if (missing.length)
	fail(`no prebuilt addon fits ${where} and building it needs ${missing.join(', ')}: install ${missing.length > 1 ? 'them' : 'it'} (Debian: apt-get install python3 make gcc), ${fix}`);
if (!gyp) fail(`no prebuilt addon fits ${where} and building it needs node-gyp: npm install -g node-gyp, ${fix}`);

const log = path.join(root, 'ts-bindings', 'native', 'build.log');
const r = spawnSync(gyp[0], [...gyp.slice(1), 'rebuild', `--directory=${at('ts-bindings', 'native')}`, ...nodedir],
	{ cwd: root, encoding: 'utf8' });
fs.writeFileSync(log, `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `${r.error.message}\n` : ''}`);
if (r.status !== 0) fail(`no prebuilt addon fits ${where} and building it from source failed (see ${log}); fix what it reports, ${fix}`);
const check = spawnSync(process.execPath, ['-e', `import(${JSON.stringify(entry)}).catch((e) => { console.error(e.message); process.exit(1); })`], { encoding: 'utf8' });
if (check.status !== 0) fail(`the addon built from source does not load: ${check.stderr.trim().split('\n')[0]}`);
