import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, JetStreamApiError, RetentionPolicy, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { BusNames } from './names';

export type { NatsConnection };

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

export interface BusConnectOptions {
  /** One URL, or several comma-separated (a cluster's nodes): the client fails over between them. */
  servers: string;
  name: string;
  user?: string;
  pass?: string;
  /** Per-host inbox prefix, so a restricted agent user can receive replies. */
  inboxPrefix?: string;
}

/**
 * How often the client pings its server, and how many pings may go unanswered. nats.js pings
 * every 2 min by default (allowing 2 out): a link that dies silently (a cut cable, a frozen
 * server, no RST) would be noticed after 4-6 min, and only then would the client fail over to
 * another node of the cluster. Every 10 s with 3 out: within ~40 s, for one tiny frame per 10 s.
 */
export const PING_INTERVAL_MS = 10_000;
export const MAX_PINGS_OUT = 3;

/**
 * How long one pull request of a `consume()` lives (its idle heartbeat is half of it). A pull
 * request parked on a consumer leader that dies is lost without a word (the client's own server
 * lives on): the client notices by two missed heartbeats and pulls again — and again, until the
 * consumer has a new leader. With nats.js's default (30 s, heartbeat 15 s) that took 30 s after
 * every NATS node kill (the fault suite measured 35-41 s to converge); at 5 s two rounds of 5 s
 * were still seen while the leader was elected (11 s). 2 s (heartbeat 1 s): a new pull within
 * ~2 s of the election, for one small request per 2 s per consumer when idle; a heartbeat
 * merely late (a busy event loop) costs one extra pull request.
 */
export const CONSUME_EXPIRES_MS = 2_000;

/**
 * How long JetStream waits for the API to ack an agent's report before giving it to another
 * instance: an instance killed with reports pulled but not recorded holds them that long (30 s,
 * nats.js's and the server's usual value, was most of the fault suite's 27 s after an API kill).
 * A report redelivered while its first copy is still being recorded has the same event id and
 * appends nothing.
 */
export const API_CONSUMER_ACK_WAIT_MS = 10_000;

export async function connectBus(options: BusConnectOptions): Promise<NatsConnection> {
  try {
    return await connect({
      servers: serverList(options.servers), name: options.name, user: options.user, pass: options.pass,
      inboxPrefix: options.inboxPrefix, maxReconnectAttempts: -1, reconnectTimeWait: 250,
      pingInterval: PING_INTERVAL_MS, maxPingOut: MAX_PINGS_OUT,
    });
  } catch (e) {
    throw new NetfleetError('NF_BUS_UNAVAILABLE', { reason: `cannot connect to NATS at ${options.servers}: ${(e as Error).message}`, servers: options.servers }, e);
  }
}

/** `nats://a:4222, nats://b:4222` → each URL; the client tries them all and follows the cluster. */
export function serverList(servers: string): string[] {
  const list = servers.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0) throw new NetfleetError('NF_BUS_UNAVAILABLE', { reason: `no NATS server in '${servers}' (give NETFLEET_NATS_URL one URL or several separated by commas)`, servers });
  return list;
}

export interface StreamOptions {
  /** How many servers keep each stream (1 on a single server, 3 on a 3-node cluster). */
  replicas?: number;
}

/** `NETFLEET_STREAM_REPLICAS`: a whole number 1..5, default 1. */
export function streamReplicasFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 1;
  const replicas = Number(value);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) {
    throw new NetfleetError('NF_BUS_STREAM_REPLICAS', { value });
  }
  return replicas;
}

const DUPLICATE_WINDOW_MS = 2 * 60_000;

/**
 * Creates (or keeps) the command and event streams. Both are work queues: a command is gone once
 * its host acked it, an event once the API recorded it in PostgreSQL (the source of truth).
 */
export async function ensureStreams(jsm: JetStreamManager, names: BusNames, options: StreamOptions = {}): Promise<void> {
  for (const [name, subjects] of [[names.commandStream, [names.allCommands]], [names.eventStream, [names.allEvents]]] as const) {
    try {
      // Idempotent when the stream exists with this configuration.
      await jsm.streams.add({ name, subjects: [...subjects], retention: RetentionPolicy.Workqueue, duplicate_window: nanos(DUPLICATE_WINDOW_MS), num_replicas: options.replicas ?? 1 });
    } catch (e) {
      // An existing stream with other settings (an operator tuned it): keep it as it is.
      if (!(e instanceof JetStreamApiError) || !/already in use/i.test(e.message)) throw e;
    }
  }
}

/** The durable pull consumer a host's agent reads its commands from (made by the API). */
export async function ensureHostConsumer(jsm: JetStreamManager, names: BusNames, host: string): Promise<void> {
  await jsm.consumers.add(names.commandStream, {
    durable_name: names.agentConsumer(host), filter_subject: names.commandFilter(host),
    ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: nanos(30_000), max_deliver: -1,
  });
}

/** The durable consumer API instances share to record agents' events (each event to one instance). */
export async function ensureApiConsumer(jsm: JetStreamManager, names: BusNames): Promise<void> {
  const ackWait = nanos(API_CONSUMER_ACK_WAIT_MS);
  try {
    await jsm.consumers.add(names.eventStream, {
      durable_name: names.apiConsumer, filter_subject: names.allEvents,
      ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: ackWait, max_deliver: -1,
    });
  } catch (e) {
    // Made by an earlier version with another ack wait: the server refuses to re-create it, so it is updated.
    if (!(e instanceof JetStreamApiError) || !/already (in use|exists)/i.test(e.message)) throw e;
    await jsm.consumers.update(names.eventStream, names.apiConsumer, { ack_wait: ackWait });
  }
}

export async function setUpBus(nc: NatsConnection, names: BusNames, options: StreamOptions = {}): Promise<JetStreamManager> {
  try {
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm, names, options);
    await ensureApiConsumer(jsm, names);
    return jsm;
  } catch (e) {
    throw new NetfleetError('NF_BUS_JETSTREAM', { reason: (e as Error).message }, e);
  }
}

/** Removes a namespace's streams (tests clean up after themselves). */
export async function deleteStreams(jsm: JetStreamManager, names: BusNames): Promise<void> {
  for (const stream of [names.commandStream, names.eventStream]) {
    await jsm.streams.delete(stream).catch(() => undefined);
  }
}

export const encodeJson = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
