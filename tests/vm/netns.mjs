// Network namespaces for the multi-host tests: unique names, always deleted (in the test's
// finally and, as a fallback, when the process exits), and a way to run a child (node with
// wasock, or CPython) inside one. Needs root (CAP_SYS_ADMIN); `available()` says whether
// namespaces can be made here.
import { execFileSync, spawnSync } from 'node:child_process';
import { ROOT, PYTHON } from '../lib/helpers.mjs';

const made = new Set();
let seq = 0;
process.on('exit', () => {
  for (const ns of made) spawnSync('ip', ['netns', 'del', ns]);
});

export function ip(...args) {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

let can;
export function available() {
  if (can === undefined) {
    try {
      const ns = create('probe');
      remove(ns);
      can = true;
    } catch {
      can = false;
    }
  }
  return can;
}

// A new namespace with lo up; the name is unique to this process.
export function create(tag = 't') {
  const ns = `wsk-${tag}-${process.pid}-${seq++}`;
  ip('netns', 'add', ns);
  made.add(ns);
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  return ns;
}

export function remove(ns) {
  spawnSync('ip', ['netns', 'del', ns]);
  made.delete(ns);
}

// Runs an ES module source (which may `import * as socket from 'wasock'`) with node inside ns.
export function nodeIn(ns, source, { timeout = 20000, input, env } = {}) {
  return execFileSync('ip', ['netns', 'exec', ns, process.execPath, '--input-type=module', '-e', source], {
    cwd: ROOT, encoding: 'utf8', timeout, input, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function pythonIn(ns, source, { timeout = 20000, input } = {}) {
  return execFileSync('ip', ['netns', 'exec', ns, PYTHON, '-c', source], {
    cwd: ROOT, encoding: 'utf8', timeout, input, stdio: ['pipe', 'pipe', 'pipe'],
  });
}
