// The raw-socket sniffer of Python's socket documentation, in its Linux form: an AF_PACKET socket for every protocol
// (ETH_P_ALL) on one interface, printing each frame. Needs CAP_NET_RAW.
//   IFACE=lo COUNT=5 node sniffer.js        (MATCH=text: stop at the first frame containing it)
import * as socket from 'wasock';

const ETH_P_ALL = 3;
const IFACE = process.env.IFACE ?? 'lo';
const COUNT = Number(process.env.COUNT ?? 10);
const MATCH = process.env.MATCH;

// Create a raw socket and bind it to the interface (all protocols).
const s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL));
s.bind([IFACE, ETH_P_ALL]);
s.settimeout(Number(process.env.TIMEOUT ?? 10));
console.log(`listening on ${JSON.stringify(s.getsockname())}`);

for (let n = 0; n < COUNT; n++) {
  const [frame, addr] = s.recvfrom(65565) as [Uint8Array, [string, number, number, number, Uint8Array]];
  const b = Buffer.from(frame.buffer, frame.byteOffset, frame.length);
  const [ifname, proto, pkttype] = addr;
  let line = `${ifname} pkttype=${pkttype} proto=0x${proto.toString(16).padStart(4, '0')} ${b.length} bytes`;
  if (proto === 0x0800 && b.length >= 34) {
    const ip = b.subarray(14);
    line += ` ${socket.inet_ntoa(ip.subarray(12, 16))} -> ${socket.inet_ntoa(ip.subarray(16, 20))} ip-proto=${ip[9]}`;
  }
  console.log(line);
  if (MATCH && b.includes(MATCH)) {
    console.log(`matched ${JSON.stringify(MATCH)}`);
    break;
  }
}
s.close();
