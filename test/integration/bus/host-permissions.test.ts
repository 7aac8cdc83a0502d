import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { PermissionViolationError, RequestError, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, encodeJson, ensureHostConsumer, setUpBus } from '@netfleet/bus/nats';
import { busNames } from '@netfleet/bus/names';
import { generateHostPassword, hashPassword, issueHostCredentials, type HostCredentials } from '@netfleet/bus/credentials/host-password';
import { heartbeatSubject, planRequestSubject } from '@netfleet/bus/credentials/host-permissions';
import { startNatsTestServer, type NatsTestServer } from '../../support/nats-test-server';
import { watchPermissionViolations, type PermissionViolations } from './permission-violations';

// A server of this file's own, so the production namespace and its exact subjects are used.
const names = busNames('netfleet');
const CMD = names.commandStream;

let server: NatsTestServer;
let api: NatsConnection;
let jsm: JetStreamManager;
const creds: Record<string, HostCredentials> = {};
const agents: Record<string, { nc: NatsConnection; refused: PermissionViolations }> = {};
/** Hosts the API's desired-state responder was asked about, in order. */
const desiredAskedFor: string[] = [];

const agent = (host: string) => {
  const a = agents[host];
  if (!a) throw new Error(`no agent connection for ${host}`);
  return a;
};

/** What a refused request rejects with: a RequestError caused by the server's refusal. */
async function refusal(promise: Promise<unknown>): Promise<PermissionViolationError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RequestError);
  const cause = (error as RequestError).cause;
  expect(cause).toBeInstanceOf(PermissionViolationError);
  return cause as PermissionViolationError;
}

async function publishCommand(host: string): Promise<{ commandId: string; seq: number }> {
  const commandId = randomUUID();
  const ack = await jetstream(api).publish(names.commandSubject(host), encodeJson({ type: 'ApplyNetwork', host, commandId }), { msgID: commandId });
  return { commandId, seq: ack.seq };
}

beforeAll(async () => {
  const apiPassword = generateHostPassword();
  for (const host of ['hv1', 'hv2']) creds[host] = await issueHostCredentials(names, host);
  server = await startNatsTestServer({
    names,
    api: { user: 'netfleet-api', passwordHash: await hashPassword(apiPassword) },
    hosts: Object.values(creds).map((c) => ({ name: c.host, passwordHash: c.passwordHash })),
  });
  api = await connectBus({ servers: server.url, name: 'test-api', user: 'netfleet-api', pass: apiPassword });
  // As the API does: streams, then each host's consumer (the hosts may not make consumers).
  jsm = await setUpBus(api, names);
  for (const host of Object.keys(creds)) await ensureHostConsumer(jsm, names, host);
  const prefix = names.desiredStateSubject('');
  api.subscribe(names.allDesiredStateRequests, {
    callback: (_err, msg) => {
      const host = msg.subject.slice(prefix.length);
      desiredAskedFor.push(host);
      msg.respond(encodeJson({ v: 1, host, networks: [] }));
    },
  });
  await api.flush();
  for (const c of Object.values(creds)) {
    const nc = await connectBus({ servers: server.url, name: `test-agent-${c.host}`, user: c.user, pass: c.password, inboxPrefix: c.inboxPrefix });
    agents[c.host] = { nc, refused: watchPermissionViolations(nc) };
  }
});

afterAll(async () => {
  for (const a of Object.values(agents)) await a.nc.close().catch(() => undefined);
  await api?.close().catch(() => undefined);
  await server?.stop();
});

describe('per-host NATS credentials: what a host may do', () => {
  it('bus - a host reads its own command with consumers.get + next, and acks it', async () => {
    const { commandId } = await publishCommand('hv1');
    const js = jetstream(agent('hv1').nc);
    const consumer = await js.consumers.get(CMD, names.agentConsumer('hv1'));
    const m = await consumer.next({ expires: 5_000 });
    expect(m?.subject).toBe(names.commandSubject('hv1'));
    expect(m?.json<{ commandId: string }>().commandId).toBe(commandId);
    expect(await m?.ackAck()).toBe(true);
    const info = await jsm.consumers.info(CMD, names.agentConsumer('hv1'));
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
  });

  it('bus - a host follows its consumer with consume(), and may terminate a command', async () => {
    const first = await publishCommand('hv1');
    const second = await publishCommand('hv1');
    const consumer = await jetstream(agent('hv1').nc).consumers.get(CMD, names.agentConsumer('hv1'));
    const messages = await consumer.consume({ max_messages: 10 });
    const seen: string[] = [];
    for await (const m of messages) {
      const { commandId } = m.json<{ commandId: string }>();
      seen.push(commandId);
      if (commandId === first.commandId) m.term(); else await m.ackAck();
      if (seen.length === 2) break;
    }
    await messages.close();
    expect(seen).toEqual([first.commandId, second.commandId]);
    expect((await jsm.consumers.info(CMD, names.agentConsumer('hv1'))).num_ack_pending).toBe(0);
  });

  it('bus - a host publishes its own events with JetStream, de-duplicated by msgID', async () => {
    const js = jetstream(agent('hv1').nc);
    const eventId = randomUUID();
    const subject = names.eventSubject('hv1', 'NetworkStoppedOnHost');
    const ack = await js.publish(subject, encodeJson({ eventId }), { msgID: eventId });
    expect(ack).toMatchObject({ stream: names.eventStream, duplicate: false });
    expect(await js.publish(subject, encodeJson({ eventId }), { msgID: eventId })).toMatchObject({ seq: ack.seq, duplicate: true });
    expect((await jsm.streams.getMessage(names.eventStream, { seq: ack.seq }))?.subject).toBe(subject);
  });

  it('bus - a host asks for its own desired state', async () => {
    const reply = await agent('hv1').nc.request(names.desiredStateSubject('hv1'), encodeJson({ v: 1, host: 'hv1' }), { timeout: 5_000 });
    expect(reply.json()).toEqual({ v: 1, host: 'hv1', networks: [] });
  });

  it('bus - a host sends heartbeats and answers plan requests for its own host', async () => {
    const hv1 = agent('hv1').nc;
    const beats = api.subscribe(heartbeatSubject(names, 'hv1'), { max: 1 });
    await api.flush();
    hv1.publish(heartbeatSubject(names, 'hv1'), encodeJson({ host: 'hv1' }));
    for await (const beat of beats) expect(beat.json()).toEqual({ host: 'hv1' });

    const plans = hv1.subscribe(planRequestSubject(names, 'hv1'), {
      callback: (_err, msg) => { msg.respond(encodeJson({ host: 'hv1', ops: [] })); },
    });
    await hv1.flush();
    // The answer goes to the API's inbox (`_INBOX.…`), which hv1 may reach only as a response.
    const answer = await api.request(planRequestSubject(names, 'hv1'), encodeJson({ network: 'n1' }), { timeout: 5_000 });
    expect(answer.json()).toEqual({ host: 'hv1', ops: [] });
    plans.unsubscribe();
  });
});

describe('per-host NATS credentials: what the server refuses a host', () => {
  it("bus - hv1 cannot look up, pull from or make a consumer on hv2's commands; hv2 still gets them", async () => {
    const { commandId } = await publishCommand('hv2');
    const hv1 = agent('hv1').nc;
    expect((await refusal(jetstream(hv1).consumers.get(CMD, names.agentConsumer('hv2')))).subject)
      .toBe(`$JS.API.CONSUMER.INFO.${CMD}.agent-hv2`);
    // Bypassing the client library: the raw pull request for hv2's consumer.
    expect((await refusal(hv1.request(`$JS.API.CONSUMER.MSG.NEXT.${CMD}.agent-hv2`, encodeJson({ batch: 1, expires: 1_000_000_000 }), { timeout: 5_000 }))).subject)
      .toBe(`$JS.API.CONSUMER.MSG.NEXT.${CMD}.agent-hv2`);
    // Making its own consumer over hv2's commands.
    const hv1Jsm = await jetstreamManager(hv1, { checkAPI: false });
    const created = await refusal(hv1Jsm.consumers.add(CMD, { durable_name: 'sneaky', filter_subject: names.commandFilter('hv2') }));
    expect(created.subject).toBe(`$JS.API.CONSUMER.CREATE.${CMD}.sneaky.${names.commandFilter('hv2')}`);
    // Nor may it look around (stream/consumer listing goes through $JS.API.INFO and friends).
    expect((await refusal(jetstreamManager(hv1))).subject).toBe('$JS.API.INFO');

    const consumer = await jetstream(agent('hv2').nc).consumers.get(CMD, names.agentConsumer('hv2'));
    const m = await consumer.next({ expires: 5_000 });
    expect(m?.json<{ commandId: string }>().commandId).toBe(commandId);
    expect(m?.info.deliveryCount).toBe(1);
    expect(await m?.ackAck()).toBe(true);
  });

  it.each([
    ['its commands', names.commandFilter('hv2')],
    ['all commands', names.allCommands],
    ['its inbox (its replies)', '_INBOX_hv2.>'],
    ['its plan requests', planRequestSubject(names, 'hv2')],
    ['its events', names.eventFilter('hv2')],
  ])("bus - hv1 cannot subscribe to hv2's %s", async (_what, subject) => {
    const hv1 = agent('hv1');
    const sub = hv1.nc.subscribe(subject);
    // The refusal first (it has a deadline), then the subscription it closed.
    expect(await hv1.refused.of(subject)).toMatchObject({ operation: 'subscription' });
    const closedWith = await sub.closed;
    expect(closedWith).toBeInstanceOf(PermissionViolationError);
    expect(closedWith).toMatchObject({ operation: 'subscription', subject });
  });

  it("bus - hv1 cannot ask for hv2's desired state", async () => {
    const hv1 = agent('hv1').nc;
    expect((await refusal(hv1.request(names.desiredStateSubject('hv2'), encodeJson({ v: 1, host: 'hv2' }), { timeout: 5_000 }))).subject)
      .toBe(names.desiredStateSubject('hv2'));
    // The server handles one client's messages in order: once hv1's next request is answered,
    // the refused one would have reached the responder before it, had it been let through.
    await hv1.request(names.desiredStateSubject('hv1'), encodeJson({ v: 1, host: 'hv1' }), { timeout: 5_000 });
    expect(desiredAskedFor).not.toContain('hv2');
  });

  it('bus - hv1 cannot speak for hv2: its events and heartbeats are refused and never stored', async () => {
    const hv1 = agent('hv1');
    const spoofed = names.eventSubject('hv2', 'NetworkStartedOnHost');
    // Through JetStream (the agent's way) the publish is a request, so it rejects…
    expect((await refusal(jetstream(hv1.nc).publish(spoofed, encodeJson({ host: 'hv2' }), { msgID: randomUUID() }))).subject).toBe(spoofed);
    // …and a plain publish is refused all the same, seen on the connection's status.
    const plain = names.eventSubject('hv2', 'NetworkStoppedOnHost');
    hv1.nc.publish(plain, encodeJson({ host: 'hv2' }));
    expect(await hv1.refused.of(plain)).toMatchObject({ operation: 'publish', subject: plain });
    hv1.nc.publish(heartbeatSubject(names, 'hv2'));
    expect(await hv1.refused.of(heartbeatSubject(names, 'hv2'))).toMatchObject({ operation: 'publish' });

    // A later publish of hv1's own is stored; nothing is stored under hv2's subjects.
    await jetstream(hv1.nc).publish(names.eventSubject('hv1', 'AgentStarted'), encodeJson({ host: 'hv1' }), { msgID: randomUUID() });
    const stored = (await jsm.streams.info(names.eventStream, { subjects_filter: names.allEvents })).state.subjects ?? {};
    expect(Object.keys(stored).filter((s) => s.startsWith(names.eventFilter('hv2').slice(0, -1)))).toEqual([]);
    expect(Object.keys(stored)).toContain(names.eventSubject('hv1', 'AgentStarted'));
  });

  it("bus - hv1 cannot publish to the API's inbox unasked, nor to the command subjects", async () => {
    const hv1 = agent('hv1');
    const inbox = `_INBOX.${randomUUID().replaceAll('-', '')}`;
    hv1.nc.publish(inbox, encodeJson({ forged: true }));
    expect(await hv1.refused.of(inbox)).toMatchObject({ operation: 'publish' });
    hv1.nc.publish(names.commandSubject('hv1'), encodeJson({ forged: true }));
    expect(await hv1.refused.of(names.commandSubject('hv1'))).toMatchObject({ operation: 'publish' });
  });

  it("bus - a host's password is its own: hv1 with hv2's password is not let in", async () => {
    const error = await connectBus({ servers: server.url, name: 'test-wrong-password', user: 'hv1', pass: creds['hv2']?.password ?? '' }).then(
      async (nc) => { await nc.close(); return undefined; },
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'NF_BUS_UNAVAILABLE', cause: expect.objectContaining({ name: 'AuthorizationError' }) });
  });
});
