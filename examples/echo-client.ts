// Echo client program (the second example of Python's socket documentation, line by line)
import * as socket from 'wasock';

const HOST = process.env.HOST ?? 'localhost';      // The remote host
const PORT = Number(process.env.PORT ?? 50007);    // The same port as used by the server
const s = socket.socket(socket.AF_INET, socket.SOCK_STREAM);
s.connect([HOST, PORT]);
s.send(Buffer.from('Hello, world'));
const data = s.recv(1024);
s.close();
console.log('Received', JSON.stringify(Buffer.from(data).toString('latin1')));
