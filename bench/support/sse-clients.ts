import { request, type ClientRequest } from 'node:http';

// A process of SSE clients for bench/stream.bench.ts, so the API's event loop does not also parse
// every client's stream. Argv: URL TOKEN COUNT. Messages: {opened} once all are connected, then
// {receipts: [position, receipt times (epoch ms)][]} when the parent sends 'report'.
const [url, token, countText] = process.argv.slice(2);
const count = Number(countText);
const now = () => performance.timeOrigin + performance.now();
const receipts = new Map<number, number[]>();
const clients: ClientRequest[] = [];

const open = () => new Promise<void>((resolve, reject) => {
  const req = request(url!, { agent: false, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8');
    let tail = '';
    res.on('data', (chunk: string) => {
      const at = now();
      const text = tail + chunk;
      for (const m of text.matchAll(/^id: (\d+)$/gm)) {
        const position = Number(m[1]);
        let times = receipts.get(position);
        if (!times) receipts.set(position, (times = []));
        times.push(at);
      }
      tail = text.slice(Math.max(0, text.lastIndexOf('\n\n')));
    });
    res.on('error', () => undefined);
    resolve();
  });
  req.on('error', reject);
  req.end();
  clients.push(req);
});

for (let i = 0; i < count; i += 100) await Promise.all(Array.from({ length: Math.min(100, count - i) }, open));
process.send!({ opened: clients.length });
process.on('message', (message) => {
  if (message !== 'report') return;
  process.send!({ receipts: [...receipts] }, () => {
    for (const c of clients) c.destroy();
    process.exit(0);
  });
});
