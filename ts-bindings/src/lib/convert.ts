// Python's argument conversions, with its TypeError/ValueError texts
// (ValueError and OverflowError become RangeError).

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (Array.isArray(v)) return 'tuple';
  if (v instanceof Uint8Array) return 'bytes';
  if (typeof v === 'function') return 'function';
  // A plain object is what a Python dict becomes.
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) return 'dict';
  return (v as object).constructor?.name ?? 'object';
}

// How Python escapes a character it won't show: \xNN, \uNNNN or \UNNNNNNNN.
export function escapeChar(cp: number): string {
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

// repr() of a str: Python's quote choice, and escapes for what str.isprintable() rejects.
export function strRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && /[\p{C}\p{Z}]/u.test(ch)) out += escapeChar(ch.codePointAt(0) as number);
    else out += ch;
  }
  return q + out + q;
}

// Python's int: integral numbers, bigints and bools (bool is an int subclass).
export function isInt(v: unknown): v is number | bigint | boolean {
  return typeof v === 'bigint' || typeof v === 'boolean' || Number.isInteger(v);
}

// An integer argument (PyNumber_Index), exact: a bigint stays a bigint.
export function asIndex(v: unknown): number | bigint {
  if (!isInt(v)) throw new TypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
  return typeof v === 'boolean' ? Number(v) : v;
}

// Where only the value's rough size matters.
export function asInt(v: unknown): number {
  return Number(asIndex(v));
}

// The range checks below compare number|bigint against exact doubles, which JS does exactly.

// A C long ('l' and the first step of 'i').
export function asCLong(v: unknown): number {
  const n = asIndex(v);
  if (n < -(2 ** 63) || n >= 2 ** 63) throw new RangeError('Python int too large to convert to C long');
  return Number(n);
}

// A C int parsed by PyArg_ParseTuple's 'i': TypeError for non-integers, RangeError past 32 bits.
export function asCInt(v: unknown): number {
  if (typeof v === 'number' && (v | 0) === v) return v; // the usual case, checked first: flags on the data path
  const n = asCLong(v);
  if (n > 2147483647) throw new RangeError('signed integer is greater than maximum');
  if (n < -2147483648) throw new RangeError('signed integer is less than minimum');
  return n;
}

// A C int parsed by Argument Clinic (_PyLong_AsInt): one message either way.
export function asClinicInt(v: unknown): number {
  const n = asIndex(v);
  if (n < -2147483648 || n > 2147483647) throw new RangeError('Python int too large to convert to C int');
  return Number(n);
}

// 'I': any int, silently wrapped to 32 bits.
export function asUIntMask(v: unknown): number {
  const n = asIndex(v);
  return typeof n === 'bigint' ? Number(BigInt.asUintN(32, n)) : n >>> 0;
}

// A Py_ssize_t argument.
export function asSize(v: unknown): number {
  const n = asInt(v);
  if (!Number.isSafeInteger(n)) throw new RangeError('Python int too large to convert to C ssize_t');
  return n;
}

// A bytes-like argument: any ArrayBufferView or ArrayBuffer, viewed in place.
export function asBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer || v instanceof SharedArrayBuffer) return new Uint8Array(v);
  throw new TypeError(`a bytes-like object is required, not '${typeName(v)}'`);
}

// How PyArg_Parse's "argument N must be X, not Y" names a value: None by name, others by type.
export function argTypeName(v: unknown): string {
  return v === null ? 'None' : typeName(v);
}

// A writable buffer argument (recv_into): the same views, in place.
export function asWritable(v: unknown, fn: string): Uint8Array {
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof SharedArrayBuffer) return asBytes(v);
  throw new TypeError(`${fn}() argument 1 must be read-write bytes-like object, not ${argTypeName(v)}`);
}

// A timeout argument: null (None) or seconds >= 0, as _PyTime_FromSecondsObject
// converts it: to int64 nanoseconds, rounding away from zero.
export function asTimeout(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number' && typeof v !== 'bigint' && typeof v !== 'boolean') {
    throw new TypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
  }
  if (Number.isNaN(v)) throw new RangeError('Invalid value NaN (not a number)');
  const ns = typeof v === 'bigint' ? v * 1_000_000_000n : Number(v) * 1e9;
  if (!(ns >= -(2 ** 63) && ns < 2 ** 63)) throw new RangeError('timestamp too large to convert to C _PyTime_t');
  if (ns < 0) throw new RangeError('Timeout value out of range');
  return Number(v);
}

// repr() of bytes: Python's quote choice, \t \n \r, \xNN outside printable ASCII.
export function bytesRepr(b: Uint8Array): string {
  const q = b.includes(0x27) && !b.includes(0x22) ? '"' : "'";
  let out = '';
  for (const c of b) {
    const ch = String.fromCharCode(c);
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c >= 0x7f) out += escapeChar(c);
    else out += ch;
  }
  return 'b' + q + out + q;
}

// str() of a value as the socket API returns it (an address): tuples show their items' repr().
export function pyStr(v: unknown, nested = false): string {
  if (typeof v === 'string') return nested ? strRepr(v) : v;
  if (v instanceof Uint8Array) return bytesRepr(v);
  if (Array.isArray(v)) {
    const items = v.map((x) => pyStr(x, true));
    return `(${items.join(', ')}${items.length === 1 ? ',' : ''})`;
  }
  if (v === null || v === undefined) return 'None';
  return String(v);
}

// Python's truth value of an argument.
export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (ArrayBuffer.isView(v)) return v.byteLength > 0;
  return Number.isNaN(v) || Boolean(v);
}

// `a, b = v`: any iterable of exactly n items.
export function unpack(v: unknown, n: number): unknown[] {
  if (v === null || v === undefined || typeof (v as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`cannot unpack non-iterable ${typeName(v)} object`);
  }
  const items = [...(v as Iterable<unknown>)];
  if (items.length > n) throw new RangeError(`too many values to unpack (expected ${n})`);
  if (items.length < n) throw new RangeError(`not enough values to unpack (expected ${n}, got ${items.length})`);
  return items;
}
