import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { BusNames } from '@netfleet/bus/names';
import type { CommitNotifier } from '@netfleet/eventstore/commit-notifier';
import type { Database } from '@netfleet/eventstore/database';
import type { Logger } from '@netfleet/log/logger';
import type { HostConsumers } from './bus/host-consumers';
import type { NatsAuthFile } from './bus/nats-auth-file';
import type { OutboxRelay } from './bus/outbox-relay';
import type { TokenRevocations } from './auth/token-revocations';
import type { AuditKey } from './audit/audit-key';
import type { AuditSealer } from './audit/audit-sealer';
import type { EventStreamHub } from './stream/event-stream-hub';
import type { CloudEventEnvelopes } from './outbound/cloud-event-envelopes';

/** What the API's handlers need from the outside world; built once in api-server.ts. */
export interface ApiContext {
  db: Database;
  nc: NatsConnection;
  jsm: JetStreamManager;
  names: BusNames;
  log: Logger;
  relay: OutboxRelay;
  /** Wakes waiters (--wait) at every commit, on any instance; the process's one LISTEN. */
  commits: CommitNotifier;
  /** Feeds every SSE client of this instance from one reader. */
  eventStream: EventStreamHub;
  /** How an event leaves netfleet: upcast, in its CloudEvents envelope. */
  envelopes: CloudEventEnvelopes;
  revocations: TokenRevocations;
  hostConsumers: HostConsumers;
  /** The audit chain's sealer and the key that signs its checkpoints. */
  audit: { key: AuditKey; sealer: AuditSealer };
  /** The API's own NATS user, when it logs in with one: no host may take that name. */
  busUser?: string;
  /** Set when the API maintains nats-server's per-host auth include. */
  natsAuth?: NatsAuthFile;
  now: () => Date;
  newId: () => string;
}
