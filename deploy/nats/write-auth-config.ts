/**
 * Writes nats-server's auth include from the host credentials the API keeps (host-add puts a
 * bcrypt hash in host_credentials; the password itself went to the host once), and optionally
 * tells nats-server to reload. Run where the NATS configuration lives:
 *
 *   NETFLEET_NATS_API_PASSWORD_HASH='$2b$11$…' \
 *   npx tsx deploy/nats/write-auth-config.ts --out /etc/nats-server/netfleet-auth.conf \
 *     --database-url postgres://…/netfleet [--namespace netfleet] [--api-user netfleet-api] \
 *     [--reload /run/nats-server/nats-server.pid]
 *
 *   npx tsx deploy/nats/write-auth-config.ts --hash-password < password-file   # prints a bcrypt hash
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { hashPassword } from '@netfleet/bus/credentials/host-password';
import { writeNatsAuthConfig } from '@netfleet/bus/credentials/write-nats-auth-config';
import { busNames } from '@netfleet/bus/names';
import { createDatabase, DEFAULT_DATABASE_URL } from '@netfleet/eventstore/database';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    'database-url': { type: 'string', default: process.env['NETFLEET_DATABASE_URL'] ?? DEFAULT_DATABASE_URL },
    namespace: { type: 'string', default: process.env['NETFLEET_NAMESPACE'] ?? 'netfleet' },
    'api-user': { type: 'string', default: process.env['NETFLEET_NATS_API_USER'] ?? 'netfleet-api' },
    reload: { type: 'string' },
    'hash-password': { type: 'boolean', default: false },
  },
});

const fail = (message: string): never => {
  process.stderr.write(`write-auth-config: ${message}\n`);
  process.exit(2);
};

if (values['hash-password']) {
  const password = readFileSync(0, 'utf8').trim();
  if (!password) fail('no password on standard input');
  process.stdout.write(`${await hashPassword(password)}\n`);
  process.exit(0);
}

const out = values.out ?? fail('--out PATH is required (where nats-server.conf includes it: netfleet-auth.conf beside it)');
const apiHash = process.env['NETFLEET_NATS_API_PASSWORD_HASH']
  ?? fail("set NETFLEET_NATS_API_PASSWORD_HASH to the bcrypt hash of the API's NATS password (make one with --hash-password)");

const db = createDatabase(values['database-url']);
try {
  const rows = await db.selectFrom('host_credentials').select(['host', 'nats_user', 'password_hash']).orderBy('host').execute();
  const odd = rows.find((r) => r.nats_user !== r.host);
  if (odd) fail(`host '${odd.host}' has NATS user '${odd.nats_user}'; netfleet's agents log in as their host name`);
  const result = await writeNatsAuthConfig(out, {
    names: busNames(values.namespace),
    api: { user: values['api-user'], passwordHash: apiHash },
    hosts: rows.map((r) => ({ name: r.host, passwordHash: r.password_hash })),
  });
  process.stdout.write(`${result.changed ? 'wrote' : 'unchanged:'} ${out} (${rows.length} hosts)\n`);
  if (result.changed && values.reload) {
    // nats-server re-reads its configuration (users, permissions) without dropping connections.
    await execa('nats-server', ['--signal', `reload=${values.reload}`], { stdio: 'inherit' });
    process.stdout.write('nats-server reloaded\n');
  }
} catch (e) {
  fail((e as Error).message);
} finally {
  await db.destroy();
}
