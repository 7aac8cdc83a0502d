import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery { path: string; headers: IncomingHttpHeaders; body: string; signatureValid: boolean }

/**
 * A webhook receiver on loopback (node:http, a free port the OS picks) that verifies each
 * delivery's Standard Webhooks signature on its own (not with netfleet's code), and can be
 * stopped and started again on the same port, as a receiver that goes down and comes back.
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  private server: Server | undefined;
  private port = 0;
  private secrets = new Map<string, string>();

  get url(): string { return `http://127.0.0.1:${this.port}`; }

  /** The secret the deliveries to `path` are signed with (shown once by webhook-add). */
  trust(path: string, secret: string): void { this.secrets.set(path, secret); }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '/';
        this.received.push({ path, headers: req.headers, body, signatureValid: this.verify(path, req.headers, body) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(this.port, '127.0.0.1', () => resolve()); });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Down: no more connections accepted, open ones cut. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private verify(path: string, headers: IncomingHttpHeaders, body: string): boolean {
    const secret = this.secrets.get(path);
    const id = headers['webhook-id'];
    const timestamp = headers['webhook-timestamp'];
    const signatures = headers['webhook-signature'];
    if (!secret || typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
    const expected = createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64')).update(`${id}.${timestamp}.${body}`).digest();
    return signatures.split(' ').some((s) => {
      const [version, sig] = s.split(',');
      const given = Buffer.from(sig ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
  }
}
