// A tiny socket-script interpreter run inside a network namespace by tests/netns.test.mjs, once
// with wasock (this file, under node) and once with CPython (PY_PEER below, the same rules), so
// that the two outputs can be compared line for line.
//
//   node tests/lib/netns-peer.mjs '<JSON list of steps>'
//   python3 -c "$PY_PEER" '<JSON list of steps>'
//
// A step is {do, on?, args?, as?}:
//   do: 'ready'         prints {"ready":true} (the parent starts the other peer after it)
//       'socket'        socket.socket(*args)
//       a method name   on the socket stored under `on` (bind, connect, accept, recvfrom, ...)
//       anything else   the module function socket.<do>(*args) (getaddrinfo, if_nametoindex, ...)
//   args: "$NAME" is the constant socket.NAME, "@var" a stored value ("@var.0.4": an element of
//         it), {"bytes": "text"} bytes (latin-1), arrays are tuples; the rest is JSON as is.
//   as: stores the result (for a [socket, address] pair such as accept's: the socket).
// Every step prints one line {"i": n, "r": result} or {"i": n, "err": {type, errno, strerror}}
// (type: error/timeout/gaierror/herror/TypeError/RangeError); bytes print as {"bytes": hex},
// sockets as "<socket>". A failed step does not stop the script.
// The default timeout is 5 s, so no step can block for long; sockets are closed at the end.
import * as socket from 'wasock';

export const PY_PEER = String.raw`
import json, socket, sys
socket.setdefaulttimeout(5)
vars_ = {}
def arg(a):
    if isinstance(a, str) and a.startswith('$'): return getattr(socket, a[1:])
    if isinstance(a, str) and a.startswith('@'):
        path = a[1:].split('.')
        v = vars_[path[0]]
        for k in path[1:]: v = v[int(k)]
        return v
    if isinstance(a, dict) and 'bytes' in a: return a['bytes'].encode('latin-1')
    if isinstance(a, list): return tuple(arg(x) for x in a)
    return a
def enc(v):
    if isinstance(v, socket.socket): return '<socket>'
    if isinstance(v, (bytes, bytearray)): return {'bytes': bytes(v).hex()}
    if isinstance(v, (tuple, list)): return [enc(x) for x in v]
    if isinstance(v, bool) or v is None or isinstance(v, str): return v
    if isinstance(v, int): return int(v)
    if isinstance(v, float): return v
    return 'other:' + repr(v)
def err(e):
    if isinstance(e, socket.timeout): t = 'timeout'
    elif isinstance(e, socket.gaierror): t = 'gaierror'
    elif isinstance(e, socket.herror): t = 'herror'
    elif isinstance(e, OSError): t = 'error'
    elif isinstance(e, TypeError): return {'type': 'TypeError'}
    elif isinstance(e, (ValueError, OverflowError)): return {'type': 'RangeError'}
    else: return {'type': 'other:' + type(e).__name__, 'message': str(e)}
    return {'type': t, 'errno': e.errno, 'strerror': e.strerror}
socks = []
for i, st in enumerate(json.loads(sys.argv[1])):
    d = st['do']
    if d == 'ready':
        print(json.dumps({'ready': True}), flush=True)
        continue
    try:
        args = [arg(a) for a in st.get('args', [])]
        if d == 'socket':
            r = socket.socket(*args)
        elif 'on' in st:
            r = getattr(vars_[st['on']], d)(*args)
        else:
            r = getattr(socket, d)(*args)
        if isinstance(r, socket.socket): socks.append(r)
        if isinstance(r, tuple) and r and isinstance(r[0], socket.socket): socks.append(r[0])
        if 'as' in st:
            vars_[st['as']] = r[0] if isinstance(r, tuple) and r and isinstance(r[0], socket.socket) else r
        out = {'i': i, 'r': enc(r)}
    except Exception as e:
        out = {'i': i, 'err': err(e)}
    print(json.dumps(out), flush=True)
for s in socks: s.close()
`;

function arg(vars, a) {
  if (typeof a === 'string' && a.startsWith('$')) {
    if (!(a.slice(1) in socket)) throw new Error(`wasock has no ${a.slice(1)}`);
    return socket[a.slice(1)];
  }
  if (typeof a === 'string' && a.startsWith('@')) {
    const [name, ...path] = a.slice(1).split('.');
    let v = vars[name];
    for (const k of path) v = v[Number(k)];
    return v;
  }
  if (a && typeof a === 'object' && !Array.isArray(a) && 'bytes' in a) return new Uint8Array(Buffer.from(a.bytes, 'latin1'));
  if (Array.isArray(a)) return a.map((x) => arg(vars, x));
  return a;
}

function enc(v) {
  if (v instanceof socket.SocketType) return '<socket>';
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') };
  if (Array.isArray(v)) return v.map(enc);
  if (v === null || v === undefined) return null; // Python's None (a method returning nothing)
  if (['string', 'number', 'boolean'].includes(typeof v)) return v;
  return `other:${Object.prototype.toString.call(v)}`;
}

function err(e) {
  let type;
  if (e instanceof socket.timeout) type = 'timeout';
  else if (e instanceof socket.gaierror) type = 'gaierror';
  else if (e instanceof socket.herror) type = 'herror';
  else if (e instanceof socket.error) type = 'error';
  else if (e instanceof TypeError) return { type: 'TypeError' };
  else if (e instanceof RangeError) return { type: 'RangeError' };
  else return { type: `other:${e?.constructor?.name}`, message: String(e?.message ?? e) };
  return { type, errno: e.errno ?? null, strerror: e.strerror ?? null };
}

function main(steps) {
  socket.setdefaulttimeout(5);
  const vars = {};
  const socks = [];
  steps.forEach((st, i) => {
    if (st.do === 'ready') {
      process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
      return;
    }
    let out;
    try {
      const args = (st.args ?? []).map((a) => arg(vars, a));
      let r;
      if (st.do === 'socket') r = socket.socket(...args);
      else if ('on' in st) {
        const s = vars[st.on];
        if (typeof s?.[st.do] !== 'function') throw new Error(`no method ${st.do}`);
        r = s[st.do](...args);
      } else {
        if (typeof socket[st.do] !== 'function') throw new Error(`wasock has no function ${st.do}`);
        r = socket[st.do](...args);
      }
      const pair = Array.isArray(r) && r[0] instanceof socket.SocketType;
      if (r instanceof socket.SocketType) socks.push(r);
      if (pair) socks.push(r[0]);
      if ('as' in st) vars[st.as] = pair ? r[0] : r;
      out = { i, r: enc(r) };
    } catch (e) {
      out = { i, err: err(e) };
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
  });
  for (const s of socks) {
    try { s.close(); } catch {}
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()) && process.argv[2]) {
  main(JSON.parse(process.argv[2]));
}
