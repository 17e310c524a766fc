// Child of tests/promises-ref.test.mjs: a Promise API listener waits in accept(); argv[2] says
// what else happens. Prints "waiting" once the accept is pending, "accepted" if it settles.
import * as socket from 'wasock/promises';

const mode = process.argv[2];
const l = socket.socket();
l.bind(['127.0.0.1', 0]);
l.listen(1);
if (mode.includes('timeout')) l.settimeout(30);
if (mode.startsWith('unref')) l.unref();
if (mode === 'unref-ref') l.ref();
l.accept().then(([c]) => {
  console.log('accepted');
  c.close();
  l.close();
});
if (mode === 'late-unref') setTimeout(() => l.unref(), 100);
console.log('waiting');
if (mode === 'unref-lives') {
  // Something else keeps the process alive: the unref'd accept still completes.
  const keep = setTimeout(() => {}, 20000);
  const c = socket.socket();
  await c.connect(l.getsockname());
  setTimeout(() => { clearTimeout(keep); c.close(); }, 200);
}
