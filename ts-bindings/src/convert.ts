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
  return (v as object).constructor?.name ?? 'object';
}

// An integer argument (PyNumber_Index): integral numbers, bigints and bools.
export function asInt(v: unknown): number {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return v;
    if (Number.isNaN(v) || !Number.isFinite(v)) {
      throw new TypeError(`'float' object cannot be interpreted as an integer`);
    }
    throw new TypeError(`'float' object cannot be interpreted as an integer`);
  }
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  throw new TypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
}

// A C int argument: TypeError for non-integers, RangeError past 32 bits.
export function asCInt(v: unknown): number {
  const n = asInt(v);
  if (n > 2147483647) throw new RangeError('signed integer is greater than maximum');
  if (n < -2147483648) throw new RangeError('signed integer is less than minimum');
  return n;
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

// A writable buffer argument (recv_into): the same views, in place.
export function asWritable(v: unknown): Uint8Array {
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof SharedArrayBuffer) return asBytes(v);
  throw new TypeError(`recv_into() argument 'buffer' must be read-write bytes-like object, not ${typeName(v)}`);
}

// A timeout argument: null (None) or seconds >= 0.
export function asTimeout(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number' && typeof v !== 'bigint' && typeof v !== 'boolean') {
    throw new TypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
  }
  const t = Number(v);
  if (Number.isNaN(t)) throw new RangeError('Invalid value NaN (not a number)');
  if (t < 0) throw new RangeError('Timeout value out of range');
  if (!Number.isFinite(t) || t > 9.2e9) throw new RangeError('timeout doesn\'t fit into C timeval');
  return t;
}
