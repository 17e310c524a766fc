// Shared by tests/families*.test.mjs: run the same socket scripts in CPython (the oracle) and
// in wasock, and normalise the outcomes so they can be compared. A script is a list of steps
// on one fresh socket: [method, ...args]; a step's outcome is its return value (sockets and
// data normalised) or the exception: [class, message, errno] with ValueError/OverflowError ->
// 'RangeError', OSError -> 'error'.
import * as socket from 'wasock';
import { execFileSync } from 'node:child_process';
import { PYTHON } from '../lib/helpers.mjs';

export const F = (x) => ({ $f: x });                         // a Python float
export const I = (x) => ({ $i: String(x) });                 // an int past 2**53
export const B = (s) => ({ $b: Buffer.from(s, 'latin1').toString('hex') }); // bytes
export const BA = (s) => ({ $ba: Buffer.from(s, 'latin1').toString('hex') }); // bytearray

const PY = String.raw`
import json, os, socket, sys
def dec(v):
    if isinstance(v, list): return tuple(dec(x) for x in v)
    if isinstance(v, dict):
        if '$f' in v: return float(v['$f'])
        if '$i' in v: return int(v['$i'])
        if '$b' in v: return bytes.fromhex(v['$b'])
        if '$ba' in v: return bytearray.fromhex(v['$ba'])
        if '$c' in v: return getattr(socket, v['$c'])
    return v
def enc(v):
    if isinstance(v, (bytes, bytearray)): return {'$b': bytes(v).hex()}
    if isinstance(v, (tuple, list)): return [enc(x) for x in v]
    if isinstance(v, socket.socket): return '<socket>'
    if isinstance(v, int) and not isinstance(v, bool):
        return int(v) if abs(v) < 2 ** 53 else {'$i': str(v)}
    return v
def err(e):
    if isinstance(e, OSError) and not isinstance(e, (TypeError, ValueError)):
        return ['error', str(e), e.errno]
    if isinstance(e, (ValueError, OverflowError)): return ['RangeError', str(e), None]
    if isinstance(e, TypeError): return ['TypeError', str(e), None]
    return ['Other:' + type(e).__name__, str(e), None]
out = []
for sc in json.load(sys.stdin):
    res = []
    try:
        s = socket.socket(*dec(sc['socket']))
    except Exception as e:
        out.append([err(e)]); continue
    for step in sc['steps']:
        try:
            a = getattr(s, step[0])
            r = enc(a(*dec(step[1:])) if callable(a) else a)
            if s.family == socket.AF_NETLINK and isinstance(r, list) and r and r[0] == os.getpid(): r[0] = '<pid>'
            res.append(['ok', r])
        except Exception as e:
            res.append(err(e))
    s.close()
    out.append(res)
print(json.dumps(out))
`;

function dec(v) {
  if (Array.isArray(v)) return v.map(dec);
  if (v !== null && typeof v === 'object') {
    if ('$f' in v) return Number(v.$f);
    if ('$i' in v) return BigInt(v.$i);
    if ('$b' in v || '$ba' in v) return new Uint8Array(Buffer.from(v.$b ?? v.$ba, 'hex'));
    if ('$c' in v) return socket[v.$c];
  }
  return v;
}

function enc(v) {
  if (v instanceof Uint8Array) return { $b: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') };
  if (Array.isArray(v)) return v.map(enc);
  if (v instanceof socket.SocketType) return '<socket>';
  if (v === undefined) return null;
  // An int past 2**53 comes back as a bigint; CPython's as {'$i': str}.
  if (typeof v === 'bigint') return { $i: String(v) };
  return v;
}

function err(e) {
  if (e instanceof socket.error) return ['error', e.message, e.errno];
  if (e instanceof RangeError) return ['RangeError', e.message, null];
  if (e instanceof TypeError) return ['TypeError', e.message, null];
  return [`Other:${e?.constructor?.name}`, String(e?.message), null];
}

export function runPython(scripts, python = PYTHON) {
  return JSON.parse(execFileSync(python, ['-c', PY], { input: JSON.stringify(scripts), encoding: 'utf8' }));
}

export function runWasock(scripts) {
  const out = [];
  for (const sc of scripts) {
    let s;
    try {
      s = socket.socket(...dec(sc.socket));
    } catch (e) {
      out.push([err(e)]);
      continue;
    }
    const res = [];
    for (const [method, ...args] of sc.steps) {
      try {
        const a = s[method];
        const r = enc(typeof a === 'function' ? a.apply(s, dec(args)) : a);
        if (s.family === socket.AF_NETLINK && Array.isArray(r) && r[0] === process.pid) r[0] = '<pid>';
        res.push(['ok', r]);
      } catch (e) {
        res.push(err(e));
      }
    }
    s.close();
    out.push(res);
  }
  return JSON.parse(JSON.stringify(out));
}
