import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { CommitNotifier } from '@netfleet/eventstore/commit-notifier';
import type { Database } from '@netfleet/eventstore/database';
import { readAll } from '@netfleet/eventstore/read';
import { advanceWebhook, claimDueWebhooks, recordWebhookFailure, releaseWebhook, type ClaimedWebhook } from '@netfleet/eventstore/webhooks';
import type { Logger } from '@netfleet/log/logger';
import type { CloudEventEnvelopes } from '../outbound/cloud-event-envelopes';
import { webhookMatches } from './webhook-filter';
import { signWebhook } from './webhook-signature';

export interface WebhookDeliveryOptions {
  /** First retry after this, doubling per failed attempt up to `retryMaxMs` (with jitter). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** A webhook whose next event was recorded longer ago than this is marked failed. */
  retentionMs?: number;
  /** How long a claim on a webhook lasts without being renewed (each delivery renews it). */
  leaseMs?: number;
  requestTimeoutMs?: number;
  /** Re-check for due retries this often when no commit wakes the loop. */
  pollMs?: number;
  /** Events read per webhook per round. */
  batch?: number;
}

export const WEBHOOK_RETENTION_DAYS = 7;
const DEFAULTS: Required<WebhookDeliveryOptions> = {
  retryBaseMs: 1000, retryMaxMs: 5 * 60_000, retentionMs: WEBHOOK_RETENTION_DAYS * 86_400_000, leaseMs: 30_000,
  requestTimeoutMs: 10_000, pollMs: 1000, batch: 100,
};

type Round = 'caught-up' | 'more' | 'stopped';

/**
 * Delivers each webhook's matching events, at least once and in log order (so in order per
 * network), from its cursor in PostgreSQL. Every API instance runs one; a webhook is delivered
 * by whichever instance holds its lease (claimDueWebhooks: SKIP LOCKED), so with several
 * instances exactly one delivers it at a time, and after a crash or restart another resumes from
 * the cursor. A delivery that fails (no answer, a non-2xx status) is retried with exponential
 * backoff; nothing after it is sent before it succeeds.
 */
export class WebhookDeliverer {
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly options: Required<WebhookDeliveryOptions>;
  private stopped = false;
  private wake: () => void = () => undefined;
  private loop: Promise<void> | undefined;
  private unlisten: (() => void) | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly db: Database, private readonly commits: CommitNotifier, private readonly envelopes: CloudEventEnvelopes, private readonly log: Logger, options: WebhookDeliveryOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  start(): void {
    let woken = false;
    this.unlisten = this.commits.onCommit(() => { woken = true; this.wake(); });
    this.loop = (async () => {
      while (!this.stopped) {
        woken = false;
        let more = false;
        try {
          const claimed = await claimDueWebhooks(this.db, this.owner, this.options.leaseMs, 20);
          const rounds = await Promise.all(claimed.map((w) => this.deliver(w).catch((e) => {
            this.log.warn({ err: e, webhook: w.id }, 'webhook delivery round failed; retrying');
            return 'caught-up' as Round;
          })));
          more = rounds.includes('more');
        } catch (e) {
          if (!this.stopped) this.log.warn({ err: e }, 'could not claim webhooks; retrying');
        }
        if (!more && !woken && !this.stopped) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.options.pollMs);
            this.wake = () => { clearTimeout(timer); resolve(); };
          });
          this.wake = () => undefined;
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.unlisten?.();
    this.wake();
    await this.loop;
  }

  /** One round for one claimed webhook: its next page of events, in order, until one fails. */
  private async deliver(webhook: ClaimedWebhook): Promise<Round> {
    const events = await readAll(this.db, { after: webhook.deliveredPosition, limit: this.options.batch });
    let position = webhook.deliveredPosition;
    const moveTo = async (to: number, delivered: number) => {
      if (to === webhook.deliveredPosition && delivered === 0) return true;
      const kept = await advanceWebhook(this.db, webhook.id, this.owner, to, delivered, this.options.leaseMs);
      webhook.deliveredPosition = to;
      return kept;
    };
    for (const event of events) {
      if (this.stopped) break;
      const ce = this.envelopes.of(event);
      if (!webhookMatches(webhook, ce)) { position = event.position; continue; }
      const age = Date.now() - Date.parse(event.recordedAt);
      if (age > this.options.retentionMs) {
        await moveTo(position, 0);
        await recordWebhookFailure(this.db, webhook.id, this.owner, {
          failed: true, retryInMs: 0,
          error: `gave up: the next event to deliver (position ${event.position}, recorded ${event.recordedAt}) is older than the ${Math.round(this.options.retentionMs / 3_600_000)} h retention; remove the webhook and add it again (with --after to replay what it needs)`,
        });
        this.log.warn({ webhook: webhook.id, position: event.position }, 'webhook marked failed: behind the retention');
        return 'stopped';
      }
      const error = await this.send(webhook, ce);
      if (error !== undefined) {
        await moveTo(position, 0);
        const retryInMs = this.retryDelay(webhook.attempts + 1);
        await recordWebhookFailure(this.db, webhook.id, this.owner, { failed: false, retryInMs, error });
        this.log.info({ webhook: webhook.id, position: event.position, attempts: webhook.attempts + 1, retryInMs, error }, 'webhook delivery failed; retrying');
        return 'stopped';
      }
      position = event.position;
      if (!(await moveTo(position, 1))) return 'stopped';
      webhook.attempts = 0;
    }
    if (this.stopped) { await releaseWebhook(this.db, webhook.id, this.owner); return 'stopped'; }
    await moveTo(position, 0);
    await releaseWebhook(this.db, webhook.id, this.owner);
    return events.length === this.options.batch ? 'more' : 'caught-up';
  }

  /** POSTs one CloudEvent (structured JSON), signed; undefined when the receiver took it (2xx). */
  private async send(webhook: ClaimedWebhook, ce: ReturnType<CloudEventEnvelopes['of']>): Promise<string | undefined> {
    const body = JSON.stringify(ce);
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetch(webhook.url, {
        method: 'POST', body, redirect: 'manual',
        headers: {
          'content-type': 'application/cloudevents+json; charset=utf-8', 'user-agent': 'netfleet-webhooks/1',
          'webhook-id': ce.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(webhook.secret, ce.id, timestamp, body),
        },
        signal: AbortSignal.any([AbortSignal.timeout(this.options.requestTimeoutMs), this.abort.signal]),
      });
      await response.body?.cancel().catch(() => undefined);
      return response.status >= 200 && response.status < 300 ? undefined : `the receiver answered HTTP ${response.status}`;
    } catch (e) {
      const cause = (e as Error & { cause?: Error }).cause;
      return `could not deliver to the receiver: ${cause?.message ?? (e as Error).message}`;
    }
  }

  private retryDelay(attempts: number): number {
    const ceiling = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** Math.min(attempts - 1, 30));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}
