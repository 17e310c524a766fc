# CPython side of tests/diff.test.mjs: reads a JSON list of cases on stdin, runs each
# and prints a JSON list of normalised outcomes. Keep in step with runCase() in
# tests/lib/diff-runner.mjs.
import io, json, math, socket, sys

def dec(v):
    if isinstance(v, list):
        return tuple(dec(x) for x in v)
    if isinstance(v, dict):
        if '$f' in v:
            f = v['$f']
            return float(f) if isinstance(f, str) else float(f)
        if '$i' in v:
            return int(v['$i'])
        if '$b' in v:
            return bytes.fromhex(v['$b'])
        if '$ba' in v:
            return bytearray.fromhex(v['$ba'])
        if '$c' in v:
            return getattr(socket, v['$c'])
        if '$s' in v:
            return v['$s'] * v['n']
        raise ValueError('bad tag %r' % v)
    return v

def enc(v, opened):
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return {'$f': str(v)}
        return v
    if isinstance(v, (bytes, bytearray)):
        return {'$b': bytes(v).hex()}
    if isinstance(v, (tuple, list)):
        return [enc(x, opened) for x in v]
    if isinstance(v, socket.socket):
        opened.append(v)
        return ['<socket>', int(v.family), int(v.type), v.proto]
    if isinstance(v, io.IOBase):
        opened.append(v)
        return '<file>'
    return '<%s>' % type(v).__name__

def cls(e):
    if isinstance(e, socket.gaierror): return 'gaierror'
    if isinstance(e, socket.herror): return 'herror'
    if isinstance(e, TimeoutError): return 'timeout'
    if isinstance(e, OSError): return 'error'
    if isinstance(e, (ValueError, OverflowError)): return 'RangeError'
    if isinstance(e, TypeError): return 'TypeError'
    return 'Other:' + type(e).__name__

def make(ctx):
    if ctx == 'mod':
        return socket, []
    if ctx == 'tcp':
        s = socket.socket()
    elif ctx == 'udp':
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    elif ctx == 'tcp6':
        s = socket.socket(socket.AF_INET6)
    elif ctx == 'udp6':
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    elif ctx == 'unix':
        s = socket.socket(socket.AF_UNIX)
    elif ctx == 'closed':
        s = socket.socket()
        s.close()
    else:
        raise ValueError(ctx)
    return s, [s]

def run(case):
    target, opened = make(case['ctx'])
    try:
        args = [dec(a) for a in case['args']]
        try:
            r = getattr(target, case['call'])(*args)
            out = {'ok': enc(r, opened)}
        except Exception as e:
            out = {'err': cls(e), 'errno': getattr(e, 'errno', None) if isinstance(e, OSError) else None,
                   'msg': str(e)}
    finally:
        for o in opened:
            try:
                o.close()
            except Exception:
                pass
        socket.setdefaulttimeout(None)
    return out

cases = json.load(sys.stdin)
print(json.dumps([run(c) for c in cases]))
