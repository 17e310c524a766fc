#!/usr/bin/env node
// wasm-cc: a clang-like driver for wasm32 that finds a toolchain by itself.
//
//   node tools/wasm-cc.mjs [clang arguments...]
//
// The arguments are passed to clang as given, after a target flag. The
// toolchain is picked in this order (the first one present wins):
//
//   1. wasi-sdk      when WASI_SDK_PATH is set: $WASI_SDK_PATH/bin/clang
//   2. system clang  a clang on PATH (clang, clang-22 ... clang-14) that can
//                    target wasm32 and has a wasm-ld beside it or on PATH;
//                    it gets a clean, empty --sysroot so host headers
//                    (/usr/include) are never searched
//   3. yowasp        @yowasp/clang from node_modules (clang in Wasm, run in a
//                    virtual file system: inputs are loaded into it and the
//                    outputs written back; one call compiles and links all)
//
// WASOCK_TOOLCHAIN=wasi-sdk|system|yowasp forces one; if it is missing the
// driver exits 2 with a one-line error. The choice is printed to stderr.
// `node tools/wasm-cc.mjs --wasock-which` prints the toolchain that would be
// used (name and compiler) to stdout and exits.
//
// The wasock core needs no libc (it is built -nostdlib -ffreestanding), so no
// toolchain is required to carry wasi-libc.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const TOOLCHAINS = ['wasi-sdk', 'system', 'yowasp'];
const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, '..');

function fail(msg, code = 2) {
	process.stderr.write(`wasm-cc: error: ${msg}\n`);
	process.exit(code);
}

function isExecutable(p) {
	try {
		fs.accessSync(p, fs.constants.X_OK);
		return fs.statSync(p).isFile();
	} catch {
		return false;
	}
}

function which(name) {
	if (name.includes('/')) return isExecutable(name) ? path.resolve(name) : null;
	for (const dir of (process.env.PATH || '').split(path.delimiter)) {
		if (!dir) continue;
		const p = path.join(dir, name);
		if (isExecutable(p)) return p;
	}
	return null;
}

function run(cmd, args, opts = {}) {
	return spawnSync(cmd, args, { encoding: 'utf8', ...opts });
}

// An empty directory used as --sysroot for the system clang.
function cleanSysroot() {
	const dir = path.join(os.tmpdir(), 'wasock-empty-sysroot');
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}

// ---- 1. wasi-sdk -----------------------------------------------------------

function probeWasiSdk() {
	const root = process.env.WASI_SDK_PATH;
	if (!root) return { missing: 'WASI_SDK_PATH is not set' };
	const clang = path.join(root, 'bin', 'clang');
	if (!isExecutable(clang)) return { missing: `${clang} not found (WASI_SDK_PATH=${root})` };
	return {
		name: 'wasi-sdk',
		clang,
		describe: `wasi-sdk (${clang})`,
		args: ['--target=wasm32-wasi'],
	};
}

// ---- 2. system clang ------------------------------------------------------

const CLANG_NAMES = ['clang', ...Array.from({ length: 22 - 14 + 1 }, (_, i) => `clang-${22 - i}`)];

function clangVersion(clang) {
	const r = run(clang, ['--version']);
	if (r.status !== 0) return null;
	const m = /clang version (\d+)[.\d]*/.exec(r.stdout);
	return m ? { major: Number(m[1]), text: m[0] } : { major: 0, text: r.stdout.split('\n')[0] };
}

function findWasmLd(clang, major) {
	// clang's own program path first (e.g. /usr/lib/llvm-16/bin/wasm-ld).
	const r = run(clang, ['-print-prog-name=wasm-ld']);
	const candidates = [];
	if (r.status === 0) candidates.push(r.stdout.trim());
	const real = fs.realpathSync(clang);
	candidates.push(path.join(path.dirname(real), 'wasm-ld'));
	candidates.push(`wasm-ld-${major}`, 'wasm-ld');
	for (const c of candidates) {
		if (!c) continue;
		const p = c.includes('/') ? (isExecutable(c) ? c : null) : which(c);
		if (p) return p;
	}
	return null;
}

function probeSystem() {
	const tried = [];
	const seen = new Set();
	for (const name of CLANG_NAMES) {
		const clang = which(name);
		if (!clang) continue;
		let real;
		try {
			real = fs.realpathSync(clang);
		} catch {
			continue;
		}
		if (seen.has(real)) continue;
		seen.add(real);
		const v = clangVersion(clang);
		if (!v) {
			tried.push(`${clang}: does not run`);
			continue;
		}
		// Can it compile and link wasm32? Build a one-line module, first letting clang find
		// wasm-ld by itself, then pointing it at one (Debian names it wasm-ld-N).
		const sysroot = cleanSysroot();
		const wasmLd = findWasmLd(clang, v.major);
		const out = path.join(os.tmpdir(), `wasock-probe-${process.pid}.wasm`);
		const base = ['--target=wasm32-wasi', `--sysroot=${sysroot}`];
		const variants = [[]];
		if (wasmLd) variants.push([`-fuse-ld=${wasmLd}`], [`--ld-path=${wasmLd}`]);
		let found = null;
		let why = 'no wasm32 target';
		for (const ld of variants) {
			const r = run(clang, [...base, ...ld, '-O2', '-nostdlib', '-ffreestanding', '-Wl,--no-entry',
				'-o', out, '-x', 'c', '-'], { input: 'int __attribute__((export_name("p"))) p(void) { return 1; }\n' });
			const ok = r.status === 0 && fs.existsSync(out);
			fs.rmSync(out, { force: true });
			if (ok && !/warning:/.test(r.stderr)) {
				found = ld;
				break;
			}
			if (/wasm-ld|linker|lld/.test(r.stderr ?? '')) why = 'no wasm-ld (install lld)';
		}
		if (!found) {
			tried.push(`${clang}: ${why}`);
			continue;
		}
		const ldPath = found.length ? wasmLd : run(clang, ['-print-prog-name=wasm-ld']).stdout.trim();
		return {
			name: 'system',
			clang,
			describe: `system ${v.text} (${clang}, ${ldPath})`,
			args: [...base, ...found],
		};
	}
	return { missing: tried.length ? `no usable system clang (${tried.join('; ')})` : 'no clang on PATH' };
}

// ---- 3. @yowasp/clang ------------------------------------------------------

// node_modules/@yowasp/clang in dir or a directory above it (Node's own lookup order).
function findUp(dir) {
	for (let d = path.resolve(dir); ; d = path.dirname(d)) {
		const p = path.join(d, 'node_modules', '@yowasp', 'clang');
		if (fs.existsSync(path.join(p, 'package.json'))) return p;
		if (path.dirname(d) === d) return null;
	}
}

// Looked up from wasock itself (its clone, or the node_modules it is installed in) and from
// the current directory, so a consumer's `npm install -D @yowasp/clang` is found either way.
async function probeYowasp() {
	const require = createRequire(path.join(projectRoot, 'package.json'));
	let entry;
	try {
		entry = require.resolve('@yowasp/clang');
	} catch {
		// The package is ESM-only with an "exports" default: resolve by hand.
		const pkgDir = findUp(projectRoot) ?? findUp(process.cwd());
		try {
			const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
			const exp = pkg.exports;
			const rel = typeof exp === 'string' ? exp : exp?.default ?? exp?.['.']?.default ?? pkg.main;
			entry = path.join(pkgDir, rel);
			if (!fs.existsSync(entry)) throw new Error('no entry');
		} catch {
			return { missing: '@yowasp/clang is not installed (npm install -D @yowasp/clang)' };
		}
	}
	let mod;
	try {
		mod = await import(pathToFileURL(entry).href);
	} catch (e) {
		return { missing: `@yowasp/clang failed to load: ${e.message}` };
	}
	if (typeof mod.runClang !== 'function') return { missing: '@yowasp/clang has no runClang' };
	return {
		name: 'yowasp',
		mod,
		describe: `yowasp @yowasp/clang ${mod.version ?? '?'} (clang in Wasm)`,
		args: ['--target=wasm32-wasip1'],
	};
}

async function probe(name) {
	if (name === 'wasi-sdk') return probeWasiSdk();
	if (name === 'system') return probeSystem();
	return probeYowasp();
}

async function selectToolchain() {
	const forced = process.env.WASOCK_TOOLCHAIN;
	if (forced) {
		if (!TOOLCHAINS.includes(forced))
			fail(`WASOCK_TOOLCHAIN=${forced}: expected one of ${TOOLCHAINS.join(', ')}`);
		const t = await probe(forced);
		if (t.missing) fail(`WASOCK_TOOLCHAIN=${forced} but that toolchain is missing: ${t.missing}`);
		return t;
	}
	const reasons = [];
	for (const name of TOOLCHAINS) {
		const t = await probe(name);
		if (!t.missing) return t;
		reasons.push(`${name}: ${t.missing}`);
	}
	fail(`no wasm32 toolchain found (${reasons.join('; ')}); install one: npm install -D @yowasp/clang ` +
		'(or apt-get install clang lld wasi-libc libclang-rt-N-dev-wasm32)');
}

// ---- running native toolchains ----------------------------------------------

function runNative(t, args) {
	const r = spawnSync(t.clang, [...t.args, ...args], { stdio: 'inherit' });
	if (r.error) fail(`${t.clang}: ${r.error.message}`);
	return r.status ?? 1;
}

// ---- running @yowasp/clang in its virtual file system ----------------------------

// Options whose value (joined or separate) is a path to read.
const IN_DIR_OPTS = ['-I', '-isystem', '-iquote', '-idirafter', '-L'];
const IN_FILE_OPTS = ['-include', '-imacros'];
// Options whose value is a path written.
const OUT_OPTS = ['-o', '-MF'];
// Options that take a separate, non-path value.
const VALUE_OPTS = new Set(['-MT', '-MQ', '-x', '-Xlinker', '-Xclang', '-target', '-arch', '-mllvm']);

const HOST = '.host'; // absolute host paths live under /.host/ in the virtual FS

// Host path -> path inside the virtual FS (whose cwd is "/"). Paths inside
// the current directory stay relative, so diagnostics read as usual.
function toVirtual(p) {
	const abs = path.resolve(p);
	const rel = path.relative(process.cwd(), abs);
	if (rel === '') return '.';
	if (!rel.startsWith('..') && !path.isAbsolute(rel) && rel.split(path.sep)[0] !== 'usr' && rel.split(path.sep)[0] !== 'tmp')
		return rel.split(path.sep).join('/');
	return `/${HOST}${abs}`;
}

function fromVirtual(v) {
	if (v.startsWith(`${HOST}/`)) return v.slice(HOST.length);
	return path.join(process.cwd(), v);
}

function treeGet(tree, vpath) {
	let node = tree;
	for (const part of vpath.replace(/^\/+/, '').split('/')) {
		if (part === '' || part === '.') continue;
		if (node === undefined || typeof node !== 'object' || node instanceof Uint8Array) return undefined;
		node = node[part];
	}
	return node;
}

function treeDir(tree, vpath) {
	let node = tree;
	for (const part of vpath.replace(/^\/+/, '').split('/')) {
		if (part === '' || part === '.') continue;
		if (!node[part] || node[part] instanceof Uint8Array) node[part] = {};
		node = node[part];
	}
	return node;
}

function treePut(tree, vpath, data) {
	const parts = vpath.replace(/^\/+/, '').split('/').filter((x) => x && x !== '.');
	const base = parts.pop();
	treeDir(tree, parts.join('/'))[base] = data;
}

let loadedBytes = 0;
function loadFile(tree, hostPath) {
	const data = fs.readFileSync(hostPath);
	loadedBytes += data.length;
	treePut(tree, toVirtual(hostPath), new Uint8Array(data.buffer, data.byteOffset, data.length));
}

function loadDir(tree, hostDir, depth = 0) {
	let entries;
	try {
		entries = fs.readdirSync(hostDir, { withFileTypes: true });
	} catch {
		return; // a missing -I dir is not an error for clang either
	}
	treeDir(tree, toVirtual(hostDir));
	for (const e of entries) {
		const p = path.join(hostDir, e.name);
		if (e.name === 'node_modules' || e.name === '.git') continue;
		let st;
		try {
			st = fs.statSync(p);
		} catch {
			continue;
		}
		if (st.isDirectory()) {
			if (depth < 16) loadDir(tree, p, depth + 1);
		} else if (st.isFile()) {
			loadFile(tree, p);
		}
	}
	if (loadedBytes > 256 * 1024 * 1024) fail(`include directories too large to load into @yowasp/clang (${hostDir})`);
}

// A quoted #include looks in the including file's own folder first, as on a
// real file system: the headers beside a source go into the tree with it.
const headerDirs = new Set();
function loadHeadersBeside(tree, source) {
	const dir = path.dirname(path.resolve(source));
	if (headerDirs.has(dir)) return;
	headerDirs.add(dir);
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		if (e.isFile() && e.name.endsWith('.h')) loadFile(tree, path.join(dir, e.name));
	}
}

// Flatten a tree into Map(vpath -> Uint8Array|string).
function flatten(tree, prefix = '', out = new Map()) {
	for (const [k, v] of Object.entries(tree)) {
		const p = prefix ? `${prefix}/${k}` : k;
		if (typeof v === 'string' || v instanceof Uint8Array) out.set(p, v);
		else if (v && typeof v === 'object') flatten(v, p, out);
	}
	return out;
}

function sameBytes(a, b) {
	if (typeof a === 'string' || typeof b === 'string') return a === b;
	if (a.length !== b.length) return false;
	return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
}

async function runYowasp(t, args) {
	const tree = { tmp: {} };
	const vargs = [];
	const depFiles = new Set(); // -MF outputs: text naming virtual paths
	const splitOpt = (a, opts) => opts.find((o) => a.startsWith(o) && a.length > o.length);
	for (let i = 0; i < args.length; i++) {
		const a = args[i];
		if (a.startsWith('@')) fail('response files are not supported with @yowasp/clang');
		if (IN_DIR_OPTS.includes(a) || IN_FILE_OPTS.includes(a) || OUT_OPTS.includes(a)) {
			const v = args[++i];
			if (v === undefined) fail(`${a} needs a value`);
			if (IN_DIR_OPTS.includes(a)) loadDir(tree, v);
			else if (IN_FILE_OPTS.includes(a)) loadFile(tree, v);
			else fs.mkdirSync(path.dirname(path.resolve(v)), { recursive: true });
			if (a === '-MF') depFiles.add(toVirtual(v).replace(/^\/+/, ''));
			vargs.push(a, toVirtual(v));
			continue;
		}
		let o;
		if ((o = splitOpt(a, IN_DIR_OPTS))) {
			const v = a.slice(o.length);
			loadDir(tree, v);
			vargs.push(o + toVirtual(v));
			continue;
		}
		if ((o = splitOpt(a, ['-o']))) {
			const v = a.slice(2);
			fs.mkdirSync(path.dirname(path.resolve(v)), { recursive: true });
			vargs.push('-o', toVirtual(v));
			continue;
		}
		if (a.startsWith('--sysroot')) fail('--sysroot is not supported with @yowasp/clang (it has its own)');
		if (VALUE_OPTS.has(a)) {
			vargs.push(a, args[++i]);
			continue;
		}
		if (a.startsWith('-') || a === '') {
			vargs.push(a);
			continue;
		}
		// A positional input: a source, object or archive.
		if (!fs.existsSync(a)) fail(`${a}: no such file`);
		loadFile(tree, a);
		if (/\.(c|cc|cpp|S)$/.test(a)) loadHeadersBeside(tree, a);
		vargs.push(toVirtual(a));
	}
	const before = flatten(tree);
	const errChunks = [];
	const outChunks = [];
	let code = 0;
	let result;
	// Load (and compile) the toolchain first, quietly: runClang's own first
	// step would print download progress to stdout.
	if (typeof t.mod.runLLVM === 'function') await t.mod.runLLVM(null, {}, { fetchProgress: () => {} });
	try {
		result = await t.mod.runClang(['clang', ...t.args, ...vargs], tree, {
			stdout: (b) => b && outChunks.push(Buffer.from(b)),
			stderr: (b) => b && errChunks.push(Buffer.from(b)),
			decodeASCII: false,
			fetchProgress: () => {},
		});
	} catch (e) {
		if (typeof e?.code !== 'number') throw e;
		code = e.code || 1;
		result = e.files;
	}
	const unhost = (s) => s.replaceAll(`/${HOST}/`, '/');
	if (outChunks.length) process.stdout.write(unhost(Buffer.concat(outChunks).toString()));
	if (errChunks.length) process.stderr.write(unhost(Buffer.concat(errChunks).toString()));
	if (code === 0 && result) {
		for (const [vp, data] of flatten(result)) {
			if (vp === 'tmp' || vp.startsWith('tmp/')) continue;
			const old = before.get(vp);
			if (old !== undefined && sameBytes(old, data)) continue;
			const host = fromVirtual(vp);
			fs.mkdirSync(path.dirname(host), { recursive: true });
			fs.writeFileSync(host, depFiles.has(vp) ? unhost(Buffer.from(data).toString()) : data);
		}
	}
	return code;
}

// ---- main -----------------------------------------------------------------------

const argv = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const t = await selectToolchain();
if (argv.length === 1 && argv[0] === '--wasock-which') {
	process.stdout.write(`${t.name}\t${t.describe}\n`);
	process.exit(0);
}
process.stderr.write(`wasm-cc: toolchain ${t.describe}\n`);
const code = t.name === 'yowasp' ? await runYowasp(t, argv) : runNative(t, argv);
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
process.stderr.write(`wasm-cc: ${t.name} ${code === 0 ? 'done' : `failed (exit ${code})`} in ${secs.toFixed(2)} s\n`);
process.exit(code);
