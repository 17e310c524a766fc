// wasock side of tests/diff.test.mjs: the same cases and normalisation as
// tests/lib/diff-runner.py, run in-process.
import * as socket from 'wasock';

export function dec(v) {
  if (Array.isArray(v)) return v.map(dec);
  if (v !== null && typeof v === 'object') {
    if ('$f' in v) {
      const f = v.$f;
      if (f === 'nan') return NaN;
      if (f === 'inf') return Infinity;
      if (f === '-inf') return -Infinity;
      return Number(f);
    }
    if ('$i' in v) return BigInt(v.$i);
    if ('$b' in v) return new Uint8Array(Buffer.from(v.$b, 'hex'));
    if ('$ba' in v) return new Uint8Array(Buffer.from(v.$ba, 'hex'));
    if ('$c' in v) return socket[v.$c];
    if ('$s' in v) return v.$s.repeat(v.n);
    throw new Error(`bad tag ${JSON.stringify(v)}`);
  }
  return v;
}

function enc(v, opened) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { $f: 'nan' };
    if (!Number.isFinite(v)) return { $f: v > 0 ? 'inf' : '-inf' };
    return v;
  }
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return { $b: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') };
  if (Array.isArray(v)) return v.map((x) => enc(x, opened));
  if (v instanceof socket.SocketType) {
    opened.push(v);
    return ['<socket>', v.family, v.type, v.proto];
  }
  if (typeof v === 'object' && typeof v.readable === 'function' && typeof v.close === 'function') {
    opened.push(v);
    return '<file>';
  }
  return `<${v?.constructor?.name ?? typeof v}>`;
}

function cls(e) {
  if (e instanceof socket.gaierror) return 'gaierror';
  if (e instanceof socket.herror) return 'herror';
  if (e instanceof socket.timeout) return 'timeout';
  if (e instanceof socket.error) return 'error';
  if (e instanceof RangeError) return 'RangeError';
  if (e instanceof TypeError) return 'TypeError';
  return `Other:${e?.constructor?.name}`;
}

function make(ctx) {
  let s;
  switch (ctx) {
    case 'mod': return [socket, []];
    case 'tcp': s = socket.socket(); break;
    case 'udp': s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); break;
    case 'tcp6': s = socket.socket(socket.AF_INET6); break;
    case 'udp6': s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); break;
    case 'unix': s = socket.socket(socket.AF_UNIX); break;
    case 'closed': s = socket.socket(); s.close(); break;
    default: throw new Error(ctx);
  }
  return [s, [s]];
}

export function runCase(c) {
  const [target, opened] = make(c.ctx);
  try {
    const args = c.args.map(dec);
    const fn = target[c.call];
    if (typeof fn !== 'function') return { err: `Other:missing ${c.call}`, errno: null, msg: '' };
    try {
      const r = fn.apply(target, args);
      return { ok: enc(r, opened) };
    } catch (e) {
      return { err: cls(e), errno: e instanceof socket.error ? (e.errno ?? null) : null, msg: String(e?.message) };
    }
  } finally {
    for (const o of opened) {
      try { o.close(); } catch { /* ignore */ }
    }
    socket.setdefaulttimeout(null);
  }
}
