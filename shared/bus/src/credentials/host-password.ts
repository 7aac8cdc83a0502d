import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { BusNames } from '../names';
import { hostInboxPrefix, hostUserName } from './host-permissions';

/** nats-server's own tool (`nats server passwd`) uses cost 11; a login costs one hash on the server. */
export const BCRYPT_COST = 11;

/** 24 random bytes, base64url: 32 characters, safe in a URL, an env file and a shell. */
export function generateHostPassword(): string {
  return randomBytes(24).toString('base64url');
}

/** The bcrypt hash nats-server takes in `password` ($2b$11$…; nats-server 2.9 accepts $2a$ and $2b$). */
export function hashPassword(password: string, cost = BCRYPT_COST): Promise<string> {
  return bcrypt.hash(password, cost);
}

export interface HostCredentials {
  host: string;
  /** NETFLEET_NATS_USER for the agent. */
  user: string;
  /** NETFLEET_NATS_PASSWORD for the agent: shown once, never stored. */
  password: string;
  /** What is kept (host_credentials.password_hash) and goes into the NATS auth config. */
  passwordHash: string;
  /** The agent's connect option `inboxPrefix`. */
  inboxPrefix: string;
  /** The bus namespace these credentials are for (NETFLEET_NAMESPACE). */
  namespace: string;
}

/** New credentials for a host's agent (host-add, or rotating a host's password). */
export async function issueHostCredentials(names: BusNames, host: string): Promise<HostCredentials> {
  const user = hostUserName(host);
  const password = generateHostPassword();
  return { host, user, password, passwordHash: await hashPassword(password), inboxPrefix: hostInboxPrefix(host), namespace: names.namespace };
}
