#!/usr/bin/env node
// The test runner behind `npm test`.
//
//   node tests/run.mjs [FILTER...]
//
// Runs every tests/*.test.mjs (uvu files that call test.run()) in its own `node` child process,
// one after another, streaming each one's output, then tests/native/run.sh if it exists (counted
// as one test). With FILTERs, only the files whose name contains one of them run ("native"
// selects tests/native/run.sh).
//
// Each uvu file's closing summary ("Total: N", "Passed: N", "Skipped: N") is added up; a file
// that times out, crashes before its summary or exits non-zero with no failed test counts as one
// failure. The last line is exactly `N passed, N failed, N skipped`; the exit code is non-zero
// when anything failed or no test ran at all.
//
// Environment: WASOCK_TEST_TIMEOUT=seconds per file (default 120; 600 for tests/native/run.sh).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const testsDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(testsDir);
const filters = process.argv.slice(2);
const timeoutSec = Number(process.env.WASOCK_TEST_TIMEOUT) || 120;
const nativeTimeoutSec = Number(process.env.WASOCK_TEST_TIMEOUT) || 600;

const selected = (name) => filters.length === 0 || filters.some((f) => name.includes(f));

const files = fs
	.readdirSync(testsDir)
	.filter((f) => f.endsWith('.test.mjs'))
	.sort()
	.map((f) => path.join('tests', f))
	.filter(selected);
// Native differential suites: every tests/native/run*.sh, each counted as one test.
const nativeDir = path.join(root, 'tests', 'native');
const nativeScripts = (fs.existsSync(nativeDir) ? fs.readdirSync(nativeDir) : [])
	.filter((f) => /^run.*\.sh$/.test(f))
	.sort()
	.map((f) => path.join('tests', 'native', f))
	.filter(selected);
const runNative = nativeScripts.length > 0;

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

// Children run in their own process groups: pass on Ctrl-C / termination to the running one.
let current = null;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(sig, () => {
		if (current) {
			try {
				process.kill(-current.pid, 'SIGKILL');
			} catch {}
		}
		process.stdout.write(`\ninterrupted (${sig})\n`);
		process.exit(130);
	});
}

function runChild(cmd, args, limitSec) {
	return new Promise((resolve) => {
		const t0 = Date.now();
		const child = spawn(cmd, args, {
			cwd: root,
			env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true, // its own process group, so a timeout ends what it started too
		});
		current = child;
		let out = '';
		child.stdout.on('data', (b) => {
			out += b.toString();
			process.stdout.write(b);
		});
		child.stderr.on('data', (b) => process.stderr.write(b));
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				child.kill('SIGKILL');
			}
		}, limitSec * 1000);
		child.on('error', (err) => {
			clearTimeout(timer);
			resolve({ code: 127, signal: null, out: `${out}\n${err.message}`, timedOut, secs: (Date.now() - t0) / 1000 });
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			current = null;
			// Whatever the file left running in its group goes too.
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {}
			resolve({ code, signal, out, timedOut, secs: (Date.now() - t0) / 1000 });
		});
	});
}

function lastNumber(text, label) {
	const re = new RegExp(`^\\s*${label}:\\s+(\\d+)\\s*$`, 'gm');
	let m;
	let n = null;
	while ((m = re.exec(text))) n = Number(m[1]);
	return n;
}

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];

for (const file of files) {
	process.stdout.write(`\n### ${file}\n`);
	const r = await runChild(process.execPath, [file], timeoutSec);
	const text = r.out.replace(ANSI, '');
	const total = lastNumber(text, 'Total');
	const pass = lastNumber(text, 'Passed');
	const skip = lastNumber(text, 'Skipped') ?? 0;
	let note;
	if (r.timedOut) {
		failed += 1;
		note = `timed out after ${timeoutSec} s`;
	} else if (total === null || pass === null) {
		failed += 1;
		note = `crashed without a uvu summary (exit ${r.code ?? r.signal})`;
	} else {
		passed += pass;
		failed += total - pass;
		skipped += skip;
		if (total - pass > 0) note = `${total - pass} failed`;
		else if (r.code !== 0) {
			failed += 1;
			note = `exit ${r.code ?? r.signal} with no failed test`;
		}
	}
	const summary = total === null ? '' : `${pass ?? 0} passed / ${total - (pass ?? 0)} failed / ${skip} skipped, `;
	process.stdout.write(`### ${file}: ${summary}${r.secs.toFixed(1)} s${note ? ` -- ${note}` : ''}\n`);
	if (note) problems.push(`${file}: ${note}`);
}

for (const nativeScript of nativeScripts) {
	process.stdout.write(`\n### ${nativeScript}\n`);
	const r = await runChild('bash', [nativeScript], nativeTimeoutSec);
	const ok = r.code === 0 && !r.timedOut;
	if (ok) passed += 1;
	else {
		failed += 1;
		problems.push(`${nativeScript}: ${r.timedOut ? `timed out after ${nativeTimeoutSec} s` : `exit ${r.code ?? r.signal}`}`);
	}
	process.stdout.write(`### ${nativeScript}: ${ok ? 'ok' : 'FAILED'}, ${r.secs.toFixed(1)} s\n`);
}

process.stdout.write('\n');
if (files.length === 0 && !runNative) problems.push(filters.length ? `no test file matches ${filters.join(' ')}` : 'no test files');
else if (passed + failed === 0) problems.push('no test ran');
for (const p of problems) process.stdout.write(`problem: ${p}\n`);
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exitCode = failed > 0 || passed + failed === 0 ? 1 : 0;
