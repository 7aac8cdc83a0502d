import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { OvsSandbox } from '@netfleet/ovs-sandbox/sandbox';
import { startTestSandbox } from '../../support/test-ovs';
import { NetNamespace } from './netns';

const AGENT_MAIN = fileURLToPath(new URL('../../../services/agent/src/main.ts', import.meta.url));
/** Debian's faketime package; NETFLEET_LIBFAKETIME overrides. */
const LIBFAKETIME = process.env['NETFLEET_LIBFAKETIME'] ?? '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

export interface AgentHostConfig {
  name: string;
  /** The NATS cluster's client URLs, as the namespace reaches them. */
  natsUrls: string;
  namespace: string;
  heartbeatMs: number;
  logDir: string;
  /** 1..250, distinct per host of a run: the /30 of its veth pair. */
  subnet: number;
}

/** A netfleet bridge as OVS itself shows it. */
export interface OwnedBridge { bridge: string; network: string; generation: number }

/**
 * A hypervisor of the dev fleet: an OVS sandbox, a network namespace with a veth link to the
 * root one (NATS is reached over it, so the link can be cut), and the agent as its own process
 * inside the namespace, under libfaketime reading its offset from a file (so its clock can jump
 * while it runs).
 */
export class AgentHost {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  stopped = false;

  private constructor(readonly config: AgentHostConfig, readonly sandbox: OvsSandbox, readonly netns: NetNamespace) {}

  static async start(config: AgentHostConfig): Promise<AgentHost> {
    const sandbox = await startTestSandbox(config.name);
    let netns: NetNamespace | undefined;
    try {
      netns = await NetNamespace.create(config.subnet);
      const host = new AgentHost(config, sandbox, netns);
      await host.setClockOffset(0);
      host.startAgent();
      return host;
    } catch (e) {
      await netns?.remove();
      await sandbox.stop();
      throw e;
    }
  }

  get name(): string { return this.config.name; }
  get running(): boolean { return this.child !== undefined; }
  get log(): string { return join(this.config.logDir, `agent-${this.name}.log`); }
  private get clockFile(): string { return join(this.sandbox.dir, 'faketime'); }

  /** Starts the agent process (again); it reports in by itself. */
  startAgent(): void {
    const out = openSync(this.log, 'a');
    const [program, ...args] = this.netns.exec([process.execPath, '--import', 'tsx', AGENT_MAIN]);
    const child = spawn(program!, args, {
      env: {
        ...process.env, NETFLEET_HOST: this.name, NETFLEET_OVS_DB: this.sandbox.db, NETFLEET_NATS_URL: this.config.natsUrls,
        NETFLEET_NAMESPACE: this.config.namespace, NETFLEET_HEARTBEAT_MS: String(this.config.heartbeatMs), NETFLEET_LOG_LEVEL: process.env['NETFLEET_FAULTS_AGENT_LOG_LEVEL'] ?? 'info',
        // faketime's library: the offset comes from the file (re-read every second), timers keep real time.
        LD_PRELOAD: LIBFAKETIME, FAKETIME_TIMESTAMP_FILE: this.clockFile, FAKETIME_CACHE_DURATION: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1',
      },
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    this.child = child;
    this.stopped = false;
    this.exited = new Promise((resolve) => child.once('exit', () => { if (this.child === child) this.child = undefined; resolve(); }));
  }

  /** kill -9 of the agent. */
  async killAgent(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGSTOP / SIGCONT: the agent freezes (no heartbeats, no acks) and thaws. */
  pause(): void { this.child?.kill('SIGSTOP'); this.stopped = true; }
  resume(): void { this.child?.kill('SIGCONT'); this.stopped = false; }

  /** The agent's wall clock is `seconds` off real time from the next second on. */
  async setClockOffset(seconds: number): Promise<void> {
    await writeFile(this.clockFile, `${seconds >= 0 ? '+' : ''}${seconds}s\n`);
  }

  /** The bridges netfleet owns on this host, read from OVS (not from the agent). */
  async ownedBridges(): Promise<OwnedBridge[]> {
    const { stdout } = await execa('ovs-vsctl', ['--timeout=10', `--db=${this.sandbox.db}`, '--format=json', '--columns=name,external_ids', 'list', 'Bridge']);
    const table = JSON.parse(stdout) as { data: [string, ['map', [string, string][]]][] };
    return table.data.flatMap(([bridge, [, pairs]]) => {
      const ids = Object.fromEntries(pairs);
      return ids['netfleet-owner'] === 'netfleet'
        ? [{ bridge, network: ids['netfleet-network'] ?? '', generation: Number(ids['netfleet-generation'] ?? -1) }] : [];
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) this.resume();
    await this.killAgent();
    await this.netns.remove();
    await this.sandbox.stop();
  }
}
