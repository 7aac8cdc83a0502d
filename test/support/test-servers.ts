import { DEFAULT_NATS_URL } from '@netfleet/bus/nats';
import { withDatabase } from '@netfleet/eventstore/database-admin';

/** The PostgreSQL server tests make their databases on (trust auth on loopback here). */
export const PG_SERVER = process.env['NETFLEET_PG_URL'] ? withDatabase(process.env['NETFLEET_PG_URL'], 'postgres') : 'postgres://postgres@127.0.0.1:5432/postgres';

/** The shared NATS server (JetStream on); tests keep apart by namespace. */
export const NATS_URL = process.env['NETFLEET_NATS_URL'] ?? DEFAULT_NATS_URL;
