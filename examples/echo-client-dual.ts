// Echo client program, IPv4 and IPv6 (the fourth example of Python's socket documentation, line by line)
import * as socket from 'wasock';

const HOST = process.env.HOST ?? 'localhost';      // The remote host
const PORT = Number(process.env.PORT ?? 50007);    // The same port as used by the server
let s: socket.SocketType | null = null;
for (const res of socket.getaddrinfo(HOST, PORT, socket.AF_UNSPEC, socket.SOCK_STREAM)) {
  const [af, socktype, proto, , sa] = res;
  try {
    s = socket.socket(af, socktype, proto);
  } catch (msg) {
    if (!(msg instanceof socket.error)) throw msg;
    s = null;
    continue;
  }
  try {
    s.connect(sa);
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
s.send(Buffer.from('Hello, world'));
const data = s.recv(1024);
s.close();
console.log('Received', JSON.stringify(Buffer.from(data).toString('latin1')));
