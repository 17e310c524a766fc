// wasock/promises streams: makefile() is a Node Duplex, toWebStreams() a
// WHATWG pair, Symbol.asyncDispose closes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as socket from 'wasock/promises';
import { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { bytes, text } from './lib/helpers.mjs';

async function pair() {
  const l = socket.socket();
  l.bind(['127.0.0.1', 0]);
  l.listen();
  const c = socket.socket();
  const [[s]] = await Promise.all([l.accept(), c.connect(l.getsockname())]);
  l.close();
  return [c, s];
}

async function readAll(stream) {
  const parts = [];
  for await (const chunk of stream) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(parts);
}

test('makefile() returns a Duplex: binary echo through pipeline, half close', async () => {
  const [c, s] = await pair();
  const sf = s.makefile('rwb');
  assert.instance(sf, Duplex);
  // server: echo everything back, then end (shutdown SHUT_WR)
  const echo = pipeline(sf, sf);
  const cf = c.makefile('rwb');
  const big = Buffer.alloc(1 << 20, 7);
  const got = readAll(cf);
  cf.end(big);
  const back = await got;
  assert.is(back.length, big.length);
  assert.ok(back.equals(big));
  await echo;
  cf.destroy();
  sf.destroy();
  c.close();
  s.close();
});

test('text makefile decodes with its encoding; closing the stream leaves the socket open', async () => {
  const [c, s] = await pair();
  const r = s.makefile('r', null, 'utf-8');
  await c.sendall(Buffer.from('h\u00e9llo', 'utf8'));
  c.shutdown(socket.SHUT_WR);
  let out = '';
  for await (const chunk of r) out += chunk;
  assert.is(out, 'h\u00e9llo');
  r.destroy();
  await new Promise((res) => setImmediate(res));
  assert.ok(s.fileno() >= 0, 'socket still open');
  // socket.close() with an open stream defers the real close until the stream goes
  const w = s.makefile('wb');
  s.close();
  assert.ok(s.fileno() >= 0, 'deferred while the stream is open');
  w.destroy();
  await new Promise((res) => setImmediate(res));
  assert.is(s.fileno(), -1);
  c.close();
});

test('toWebStreams(): a ReadableStream/WritableStream pair', async () => {
  const [c, s] = await pair();
  const { readable, writable } = s.toWebStreams();
  assert.instance(readable, ReadableStream);
  assert.instance(writable, WritableStream);
  const cw = c.toWebStreams();
  // server: pipe its readable into its writable (echo)
  const echo = readable.pipeTo(writable);
  const writer = cw.writable.getWriter();
  await writer.write(bytes('web '));
  await writer.write(bytes('streams'));
  await writer.close();
  let out = '';
  for await (const chunk of cw.readable) out += text(chunk);
  assert.is(out, 'web streams');
  await echo;
  c.close();
  s.close();
});

test('Symbol.asyncDispose closes (await using)', async () => {
  let fd;
  {
    const s = socket.socket();
    fd = s.fileno();
    assert.ok(fd >= 0);
    await s[Symbol.asyncDispose]();
    assert.is(s.fileno(), -1);
  }
  const [c, s] = await pair();
  await c[Symbol.asyncDispose]();
  await s[Symbol.asyncDispose]();
  assert.is(c.fileno(), -1);
});

test.run();
