// The `wasock` command: run Wasm guests with real sockets under a policy, and
// compile them.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runGuest, compilePolicy, type PolicySpec } from './guest.js';
import { FAMILIES, type Family } from './guest/policy.js';

const HELP = `Usage:
  wasock run GUEST.wasm [options] [-- ARGS...]   run a wasm32-wasi guest (SDK or emscripten -sSTANDALONE_WASM)
  wasock cc [clang options] FILE.c... -o OUT.wasm   compile POSIX socket C against the guest SDK
  wasock --help | --version

Grants (deny by default; each may repeat, or take a comma-separated list):
  --allow-connect=ADDR   connect (and send) to ADDR
  --allow-bind=ADDR      bind and listen on ADDR (accepting any peer)
  --allow-sendto=ADDR    send datagrams to ADDR
  --allow-accept=ADDR    accept only peers matching ADDR
  --allow-family=F       everything in family F (${FAMILIES.join(', ')})
  --allow-dns=NAME       resolve NAME (exact, *.suffix or *) through DNS and the hosts file
  --allow-net            everything over inet and inet6
  --max-sockets=N        open sockets at most (default 64)
ADDR: 127.0.0.1:8080  10.0.0.0/8:80-90  [::1]:53  [2001:db8::/32]  *:8080  localhost:8080
      0.0.0.0:8080 and [::]:8080 (wildcard binds: only when named)
      unix:/path/sock  unix:/dir/ (prefix)  unix:* (any path)  unix:@name  unix:@prefix*  unix:@*
Capabilities and limits:
  --listen=ADDR          a listening socket made for the guest (HOST:PORT, [V6]:PORT,
                         unix:PATH): guest fd 3, 4, ... (after --dir directories); no grant needed
  --time-limit=SECONDS   stop the guest after this long (exit status 124)
  --max-memory=BYTES     stop the guest past this much linear memory (K, M, G suffixes; exit 137)
Other options:
  --env=NAME=VALUE       set a guest environment variable (repeatable)
  --dir=GUEST[:HOST]     preopen the host directory HOST (default GUEST) as GUEST
  --name=NAME            the guest's name in denial messages (default: the file name)
  --quiet                no denial lines on stderr

Exit status: the guest's exit code; 2 for a usage error, a missing or non-Wasm
file; 1 when the guest could not be started.`;

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    return pkg.version;
  } catch {
    return '?';
  }
}

class UsageError extends Error {}

function die(msg: string, code = 2): never {
  process.stderr.write(`wasock: error: ${msg}\n`);
  process.exit(code);
}

interface RunArgs {
  file: string;
  args: string[];
  policy: PolicySpec;
  env: Record<string, string>;
  preopens: Record<string, string>;
  name?: string;
  quiet: boolean;
  listen: string[];
  timeLimit?: number;
  maxMemory?: number;
}

export function parseRun(argv: string[]): RunArgs {
  const policy: PolicySpec = {};
  const env: Record<string, string> = {};
  const preopens: Record<string, string> = {};
  let file: string | undefined;
  let name: string | undefined;
  let quiet = false;
  const listen: string[] = [];
  let timeLimit: number | undefined;
  let maxMemory: number | undefined;
  const args: string[] = [];
  const list = (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (file !== undefined && !a.startsWith('--')) {
      args.push(...argv.slice(i));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      file = a;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(a);
    if (!m) throw new UsageError(`unknown option ${a} (see wasock --help)`);
    const [, key, val] = m;
    const need = () => {
      if (val === undefined || val === '') throw new UsageError(`--${key} needs a value (--${key}=...)`);
      return val;
    };
    switch (key) {
      case 'allow-connect': case 'allow-bind': case 'allow-sendto': case 'allow-accept': {
        const op = key.slice(6) as 'connect' | 'bind' | 'sendto' | 'accept';
        (policy[op] ??= []).push(...list(need()));
        break;
      }
      case 'allow-family':
        for (const f of list(need())) {
          if (!(FAMILIES as readonly string[]).includes(f)) throw new UsageError(`unknown family ${f} (one of ${FAMILIES.join(', ')})`);
          (policy.families ??= []).push(f as Family);
        }
        break;
      case 'allow-dns':
        (policy.dns ??= []).push(...list(need()));
        break;
      case 'allow-net':
        if (val !== undefined) throw new UsageError('--allow-net takes no value');
        policy.net = true;
        break;
      case 'max-sockets': {
        const n = Number(need());
        if (!Number.isInteger(n) || n < 0) throw new UsageError(`--max-sockets=${val}: not a count`);
        policy.maxSockets = n;
        break;
      }
      case 'env': {
        const v = need();
        const eq = v.indexOf('=');
        if (eq <= 0) throw new UsageError(`--env=${v}: expected NAME=VALUE`);
        env[v.slice(0, eq)] = v.slice(eq + 1);
        break;
      }
      case 'dir': {
        const v = need();
        const c = v.indexOf(':');
        const [g, h] = c < 0 ? [v, v] : [v.slice(0, c), v.slice(c + 1)];
        if (!existsSync(h)) throw new UsageError(`--dir: ${h}: no such directory`);
        preopens[g] = h;
        break;
      }
      case 'name':
        name = need();
        break;
      case 'listen':
        for (const l of list(need())) {
          const m = /^(?:unix:.+|(?:\[[^\]]+\]|[^:[\]]+):(\d+))$/s.exec(l);
          if (!m || Number(m[1] ?? 0) > 65535) throw new UsageError(`--listen=${l}: expected HOST:PORT, [V6]:PORT or unix:PATH`);
          listen.push(l);
        }
        break;
      case 'time-limit': {
        const n = Number(need());
        if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`--time-limit=${val}: not a number of seconds`);
        timeLimit = n;
        break;
      }
      case 'max-memory': {
        const m = /^(\d+)([KMG]?)$/i.exec(need());
        if (!m) throw new UsageError(`--max-memory=${val}: expected BYTES with an optional K, M or G`);
        maxMemory = Number(m[1]) * 1024 ** ' KMG'.indexOf((m[2] || ' ').toUpperCase());
        // 0 would mean no limit at all (runGuest's default).
        if (maxMemory === 0) throw new UsageError(`--max-memory=${val}: must be more than 0`);
        break;
      }
      case 'quiet':
        quiet = true;
        break;
      default:
        throw new UsageError(`unknown option --${key} (see wasock --help)`);
    }
  }
  if (file === undefined) throw new UsageError('no guest file (usage: wasock run GUEST.wasm [options] [-- ARGS...])');
  return { file, args, policy, env, preopens, name, quiet, listen, timeLimit, maxMemory };
}

async function run(argv: string[]): Promise<number> {
  let r: RunArgs;
  try {
    r = parseRun(argv);
  } catch (e) {
    if (e instanceof UsageError) die(e.message);
    throw e;
  }
  if (!existsSync(r.file)) die(`${r.file}: no such file`);
  if (!statSync(r.file).isFile()) die(`${r.file}: not a file`);
  const bytes = readFileSync(r.file);
  if (bytes.length < 8 || bytes.readUInt32BE(0) !== 0x0061736d) die(`${r.file}: not a WebAssembly module`);
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes);
  } catch (e: any) {
    die(`${r.file}: invalid WebAssembly module (${String(e?.message ?? e).split('\n')[0]})`);
  }
  let policy;
  try {
    policy = await compilePolicy(r.policy);
  } catch (e: any) {
    die(e?.message ?? String(e));
  }
  try {
    return await runGuest(module, {
      args: r.args, env: r.env, preopens: r.preopens, policy, listen: r.listen, timeLimit: r.timeLimit, maxMemory: r.maxMemory,
      name: r.name ?? r.file.split('/').pop(),
      onEvent: r.quiet ? () => {} : undefined,
    });
  } catch (e: any) {
    die(`${r.file}: ${String(e?.message ?? e).split('\n')[0]}`, 1);
  }
}

function cc(argv: string[]): number {
  const driver = fileURLToPath(new URL('../core-c/guest/wasock-cc.mjs', import.meta.url));
  if (!existsSync(driver)) die(`the guest SDK driver is missing (${driver})`);
  const r = spawnSync(process.execPath, [driver, ...argv], { stdio: 'inherit' });
  if (r.error) die(r.error.message, 1);
  return r.status ?? 1;
}

export async function main(argv = process.argv.slice(2)): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
      process.stderr.write(`${HELP}\n`);
      return 2;
    case '-h': case '--help': case 'help':
      process.stdout.write(`${HELP}\n`);
      return 0;
    case '-V': case '--version':
      process.stdout.write(`wasock ${version()}\n`);
      return 0;
    case 'run':
      if (rest[0] === '--help' || rest[0] === '-h') {
        process.stdout.write(`${HELP}\n`);
        return 0;
      }
      return run(rest);
    case 'cc':
      return cc(rest);
    default:
      die(`unknown command ${cmd} (wasock run | wasock cc | wasock --help)`);
  }
}

// Run when executed (npx wasock, node dist/cli.js), not when imported.
let invoked = false;
try {
  invoked = !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
} catch { /* not a file */ }
if (invoked) main().then((code) => process.exit(code), (e) => die(String(e?.message ?? e), 1));
