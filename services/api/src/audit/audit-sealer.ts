import type { Database } from '@netfleet/eventstore/database';
import { latestAuditCheckpoint, sealAuditChain, writeAuditCheckpoint } from '@netfleet/eventstore/audit-chain';
import type { Logger } from '@netfleet/log/logger';
import type { AuditKey } from './audit-key';

export interface AuditSealerOptions {
  /** How often the committed events are chained (default 1 s). */
  sealEveryMs?: number;
  /** How often, at most, the chain's head is signed (default 60 s; 0: after every seal that moved it). */
  checkpointEveryMs?: number;
}

/**
 * Chains the committed events (sealAuditChain) every `sealEveryMs`, and signs the head into a
 * checkpoint every `checkpointEveryMs` when it moved. Off the append path: appends never wait for
 * it. Several instances may run one; the store lets one seal at a time.
 */
export class AuditSealer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastCheckpointAt = 0;
  private readonly sealEveryMs: number;
  private readonly checkpointEveryMs: number;

  constructor(private readonly db: Database, private readonly key: AuditKey, private readonly log: Logger, options: AuditSealerOptions = {}) {
    this.sealEveryMs = options.sealEveryMs ?? 1000;
    this.checkpointEveryMs = options.checkpointEveryMs ?? 60_000;
  }

  start(): void {
    // A tick while a pass runs (the first seal of a large log takes a while) is skipped, not queued.
    this.timer = setInterval(() => { if (!this.running) void this.sealNow().catch(() => undefined); }, this.sealEveryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Seals what is committed now (and signs a checkpoint when one is due); one pass at a time. */
  sealNow(options: { checkpoint?: boolean } = {}): Promise<void> {
    const pass = (this.running ?? Promise.resolve()).catch(() => undefined).then(() => this.pass(options.checkpoint ?? false));
    const running = pass.finally(() => { if (this.running === running) this.running = undefined; });
    this.running = running;
    return running;
  }

  private async pass(forceCheckpoint: boolean): Promise<void> {
    try {
      const { head } = await sealAuditChain(this.db);
      if (!head) return;
      const due = forceCheckpoint || Date.now() - this.lastCheckpointAt >= this.checkpointEveryMs;
      if (!due) return;
      const latest = await latestAuditCheckpoint(this.db);
      if (latest && latest.position >= head.position) return;
      await writeAuditCheckpoint(this.db, this.key.sign({ position: head.position, hash: head.hash, signedAt: new Date() }));
      this.lastCheckpointAt = Date.now();
    } catch (e) {
      this.log.warn({ err: e }, 'sealing the audit chain failed; will retry');
      throw e;
    }
  }
}
