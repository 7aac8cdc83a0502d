import { chmod, cp, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

// `npm run package`: Debian packages built with dpkg-deb from the bundles of `npm run build`:
// netfleet-agent, netfleet-api, netfleet-cli (Architecture: all — plain JavaScript on Debian's
// nodejs). The files under /etc are conffiles, so an upgrade keeps what the operator edited.
//   tsx scripts/package.ts [--outdir DIR] [--version V]   (default dist/packages, package.json's)
const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2).filter((a) => a !== '--');
const option = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const outdir = resolve(option('--outdir') ?? `${root}dist/packages`);
const version = option('--version') ?? (JSON.parse(await readFile(`${root}package.json`, 'utf8')) as { version: string }).version;
const NODE = 'nodejs (>= 20.19)';

interface DebPackage {
  name: string;
  description: string;
  depends: string[];
  recommends?: string[];
  /** [file in the checkout or the build, path in the package, mode] */
  files: [string, string, number][];
  /** The service's bundle, installed as /usr/lib/netfleet/<bundle>/. */
  bundle: 'agent' | 'api' | 'cli';
  links?: [string, string][];
}

const doc = (pkg: string): [string, string, number][] => [
  ['docs/operations.md', `usr/share/doc/${pkg}/operations.md`, 0o644],
  ['README.md', `usr/share/doc/${pkg}/README.md`, 0o644],
];
const packages: DebPackage[] = [
  {
    name: 'netfleet-agent', bundle: 'agent',
    description: 'netfleet agent: applies the fleet\'s networks to this host\'s Open vSwitch',
    depends: [NODE, 'openvswitch-switch'],
    files: [
      ['deploy/systemd/netfleet-agent@.service', 'lib/systemd/system/netfleet-agent@.service', 0o644],
      ['deploy/env/agent.env', 'etc/netfleet/agent.env', 0o600],
      ...doc('netfleet-agent'),
    ],
  },
  {
    name: 'netfleet-api', bundle: 'api',
    description: 'netfleet API: event store, commands and fleet view for Open vSwitch networks',
    depends: [NODE], recommends: ['postgresql', 'nats-server'],
    files: [
      ['deploy/systemd/netfleet-api.service', 'lib/systemd/system/netfleet-api.service', 0o644],
      ['deploy/env/api.env', 'etc/netfleet/api.env', 0o600],
      ['deploy/nats/nats-server.conf', 'usr/share/doc/netfleet-api/examples/nats-server.conf', 0o644],
      ...doc('netfleet-api'),
    ],
  },
  {
    name: 'netfleet-cli', bundle: 'cli',
    description: 'netfleet: virsh-like network verbs for a fleet of Open vSwitch hosts',
    depends: [NODE],
    files: doc('netfleet-cli'),
    links: [['../lib/netfleet/cli/netfleet.js', 'usr/bin/netfleet']],
  },
];

const build = join(outdir, 'build');
await rm(outdir, { recursive: true, force: true });
await execa(process.execPath, ['--import', 'tsx', `${root}scripts/build.ts`, '--outdir', build], { cwd: root, stdio: 'inherit' });

for (const pkg of packages) {
  const staging = join(outdir, 'staging', pkg.name);
  await mkdir(join(staging, 'DEBIAN'), { recursive: true });
  await cp(join(build, pkg.bundle), join(staging, 'usr/lib/netfleet', pkg.bundle), { recursive: true });
  for (const [from, to, mode] of pkg.files) {
    await mkdir(join(staging, to, '..'), { recursive: true });
    await cp(join(root, from), join(staging, to));
    await chmod(join(staging, to), mode);
  }
  for (const [target, link] of pkg.links ?? []) {
    await mkdir(join(staging, link, '..'), { recursive: true });
    await symlink(target, join(staging, link));
  }
  const conffiles = pkg.files.filter(([, to]) => to.startsWith('etc/')).map(([, to]) => `/${to}`);
  if (conffiles.length > 0) await writeFile(join(staging, 'DEBIAN/conffiles'), `${conffiles.join('\n')}\n`);
  const control = [
    `Package: ${pkg.name}`, `Version: ${version}`, 'Architecture: all', 'Section: net', 'Priority: optional',
    'Maintainer: netfleet developers <netfleet@localhost>',
    `Installed-Size: ${Math.ceil((await sizeOf(staging)) / 1024)}`,
    `Depends: ${pkg.depends.join(', ')}`,
    ...(pkg.recommends ? [`Recommends: ${pkg.recommends.join(', ')}`] : []),
    `Description: ${pkg.description}`,
    ' Built from the netfleet repository (npm run package); see /usr/share/doc/' + pkg.name + '/operations.md.',
  ];
  await writeFile(join(staging, 'DEBIAN/control'), `${control.join('\n')}\n`);
  const deb = join(outdir, `${pkg.name}_${version}_all.deb`);
  await execa('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', staging, deb]);
  process.stdout.write(`package: ${deb}\n`);
}
await rm(join(outdir, 'staging'), { recursive: true, force: true });
await rm(build, { recursive: true, force: true });

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}
