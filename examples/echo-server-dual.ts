// Echo server program, IPv4 and IPv6 (the third example of Python's socket documentation, line by line)
import * as socket from 'wasock';

const HOST = null;                                 // Symbolic name meaning all available interfaces
const PORT = Number(process.env.PORT ?? 50007);    // Arbitrary non-privileged port
let s: socket.SocketType | null = null;
for (const res of socket.getaddrinfo(HOST, PORT, socket.AF_UNSPEC,
                                     socket.SOCK_STREAM, 0, socket.AI_PASSIVE)) {
  const [af, socktype, proto, , sa] = res;
  try {
    s = socket.socket(af, socktype, proto);
  } catch (msg) {
    if (!(msg instanceof socket.error)) throw msg;
    s = null;
    continue;
  }
  try {
    s.bind(sa);
    s.listen(1);
  } catch (msg) {
    if (!(msg instanceof socket.error)) throw msg;
    s.close();
    s = null;
    continue;
  }
  break;
}
if (s === null) {
  console.log('could not open socket');
  process.exit(1);
}
const [conn, addr] = s.accept();
console.log('Connected by', addr);
while (true) {
  const data = conn.recv(1024);
  if (!data.length) break;
  conn.send(data);
}
conn.close();
