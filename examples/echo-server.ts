// Echo server program (the first example of Python's socket documentation, line by line)
import * as socket from 'wasock';

const HOST = '';                                   // Symbolic name meaning all available interfaces
const PORT = Number(process.env.PORT ?? 50007);    // Arbitrary non-privileged port
const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
s.bind([HOST, PORT]);
s.listen(1);
const [conn, addr] = s.accept();
console.log('Connected by', addr);
while (true) {
  const data = conn.recv(1024);
  if (!data.length) break;
  conn.send(data);
}
conn.close();
