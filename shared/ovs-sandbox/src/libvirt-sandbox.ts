import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { forgetDirAtExit, removeDirAtExit, spawnDaemon } from './supervised-daemon';
import { waitForSocket } from './wait-for-socket';

/**
 * A privileged libvirtd of one simulated host, sandboxed so that nothing system-wide is touched:
 * its own mount and network namespace, tmpfs over the directories libvirt keeps state in, its own
 * /etc/libvirt, its sockets in the sandbox directory. It drives the host's OVS sandbox (OVS_RUNDIR),
 * so `<virtualport type='openvswitch'/>` interfaces land on that sandbox's bridges.
 */
export interface LibvirtSandbox {
  dir: string;
  /** `qemu:///system?socket=<dir>/run/libvirt-sock`, for `virsh -c` and the agent. */
  uri: string;
  pid: number;
  /**
   * Makes a network device named like the bridge in libvirtd's namespace: libvirt 9 reads a
   * bridge's MTU from the kernel when it attaches an interface, and a userspace OVS sandbox has none.
   */
  addBridgeDevice(bridge: string): Promise<void>;
  /** Destroys every running domain, stops libvirtd, removes the directory unless `keepDir`. */
  stop(options?: { keepDir?: boolean }): Promise<void>;
}

export interface StartLibvirtSandboxOptions {
  /** State directory (kept network definitions in `<dir>/etc` are reused). Default: a fresh mkdtemp. */
  dir?: string;
  /** The host's OVS run directory (its db.sock): libvirt's own ovs-vsctl reaches it. */
  ovsRunDir: string;
  /** Default 60 s. */
  startTimeoutMs?: number;
}

const PROGRAM_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];
function program(name: string): string {
  for (const dir of PROGRAM_DIRS) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // try the next
    }
  }
  throw new NetfleetError('NF_LIBVIRT_SANDBOX_FAILED', { problem: `${name} is not installed: run \`npm run bootstrap\` (installs libvirt-daemon-system, libvirt-clients, qemu-system-x86)`, program: name });
}

// Runs inside the new namespaces: private state directories, our /etc/libvirt, loopback up, then
// libvirtd in the foreground (exec: the supervised pid is libvirtd's). The directory comes as $1.
const INSIDE = [
  'set -e',
  'for d in /run /var/lib /var/cache /var/log; do mount -t tmpfs tmpfs "$d"; done',
  'mount --bind "$1/etc" /etc/libvirt',
  'ip link set lo up',
  'exec "$2" --config "$1/libvirtd.conf"',
].join('\n');

const quoted = (s: string) => JSON.stringify(s);

export async function startLibvirtSandbox(options: StartLibvirtSandboxOptions): Promise<LibvirtSandbox> {
  const bins = { libvirtd: program('libvirtd'), unshare: program('unshare'), nsenter: program('nsenter'), ip: program('ip'), virsh: program('virsh') };
  program('qemu-system-x86_64');
  const created = options.dir === undefined;
  const dir = created ? await mkdtemp(join(tmpdir(), 'nf-lv-')) : resolve(options.dir!);
  if (created) removeDirAtExit(dir);
  await mkdir(join(dir, 'etc', 'qemu', 'networks'), { recursive: true });
  await mkdir(join(dir, 'run'), { recursive: true });
  const socket = join(dir, 'run', 'libvirt-sock');
  const daemonConf = [
    `unix_sock_dir = ${quoted(join(dir, 'run'))}`,
    'auth_unix_rw = "none"',
    'auth_unix_ro = "none"',
    'unix_sock_rw_perms = "0700"',
    `log_outputs = ${quoted(`3:file:${join(dir, 'libvirtd.log')}`)}`,
  ].join('\n');
  await writeFile(join(dir, 'libvirtd.conf'), `${daemonConf}\n`);
  await writeFile(join(dir, 'etc', 'libvirtd.conf'), `${daemonConf}\n`);
  // No confinement of the (never running) guests: no dedicated user, no security driver, no
  // cgroups or private /dev; qemu's output to files (no virtlogd in the sandbox).
  await writeFile(join(dir, 'etc', 'qemu.conf'), [
    'user = "root"', 'group = "root"', 'security_driver = "none"', 'cgroup_controllers = [ ]', 'namespaces = [ ]', 'stdio_handler = "file"',
  ].join('\n') + '\n');

  const env = { ...(process.env as Record<string, string>), OVS_RUNDIR: options.ovsRunDir };
  const daemon = spawnDaemon({
    name: 'libvirtd',
    file: bins.unshare,
    args: ['--mount', '--net', '--propagation', 'private', '--', 'sh', '-c', INSIDE, 'sh', dir, bins.libvirtd],
    env,
    stderrFile: join(dir, 'libvirtd.stderr'),
  });
  try {
    await waitForSocket({ path: socket }, daemon, options.startTimeoutMs ?? 60_000);
  } catch (e) {
    await daemon.stop();
    if (created) { forgetDirAtExit(dir); await rm(dir, { recursive: true, force: true }); }
    throw new NetfleetError('NF_LIBVIRT_SANDBOX_FAILED', { problem: `the sandboxed libvirtd did not come up: ${daemon.stderrTail() || (e as Error).message} (log: ${join(dir, 'libvirtd.log')})`, dir }, e);
  }
  const uri = `qemu:///system?socket=${socket}`;
  const virsh = (args: string[]) => execa(bins.virsh, ['-c', uri, ...args], { reject: false, stdin: 'ignore', timeout: 30_000 });
  let stopping: Promise<void> | undefined;
  return {
    dir, uri, pid: daemon.pid,
    async addBridgeDevice(bridge) {
      const made = await execa(bins.nsenter, ['-t', String(daemon.pid), '-n', bins.ip, 'tuntap', 'add', 'dev', bridge, 'mode', 'tap'], { reject: false, stdin: 'ignore' });
      if (made.exitCode !== 0 && !String(made.stderr).includes('exists')) {
        throw new NetfleetError('NF_LIBVIRT_SANDBOX_FAILED', { problem: `could not make the device ${bridge}: ${String(made.stderr).trim()}`, bridge });
      }
    },
    stop(stopOptions = {}) {
      stopping ??= (async () => {
        // qemu runs on its own once started: destroy the domains while libvirtd can still do it.
        const running = await virsh(['list', '--name']);
        for (const name of String(running.stdout).split('\n').map((l) => l.trim()).filter(Boolean)) await virsh(['destroy', name]);
        await daemon.stop();
        forgetDirAtExit(dir);
        if (!stopOptions.keepDir) await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
