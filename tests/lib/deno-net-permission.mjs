// Run by tests/runtimes.test.mjs under Deno with --allow-net=127.0.0.1:PORT only (PORT in
// argv): what that grant allows works, and every other address or lookup is refused with
// socket.error(EACCES) naming the flag, before any packet leaves. Prints one line per check.
import * as socket from 'wasock';
import * as promises from 'wasock/promises';

const port = Number(Deno.args[0]);
const other = port + 1;
const out = [];
const refused = (what, f) => {
  try {
    f();
    out.push(`${what}: allowed`);
  } catch (e) {
    out.push(`${what}: ${e.code} ${e.syscall} ${/--allow-net=\S+/.exec(e.message)?.[0]}`);
  }
};

const l = socket.socket();
l.bind(['127.0.0.1', port]);
l.listen(1);
const c = socket.socket();
c.connect(['127.0.0.1', port]);
const [s] = l.accept();
c.sendall(new Uint8Array([1, 2, 3]));
out.push(`granted connect: ${s.recv(3).length} bytes`);
refused('connect elsewhere', () => socket.socket().connect(['127.0.0.1', other]));
refused('connect_ex elsewhere', () => socket.socket().connect_ex(['127.0.0.1', other]));
refused('bind elsewhere', () => socket.socket().bind(['127.0.0.1', other]));
refused('sendto elsewhere', () => socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(new Uint8Array(1), ['127.0.0.1', other]));
refused('getaddrinfo of a name', () => socket.getaddrinfo('localhost', 80));
refused('gethostbyname', () => socket.gethostbyname('localhost'));
refused('create_connection granted', () => socket.create_connection(['127.0.0.1', port]).close());
try {
  await promises.socket().connect(['::1', other]);
  out.push('promises connect: allowed');
} catch (e) {
  out.push(`promises connect: ${e.code} ${/--allow-net=\S+/.exec(e.message)?.[0]}`);
}
console.log(out.join('\n'));
