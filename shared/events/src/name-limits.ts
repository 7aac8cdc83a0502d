/**
 * The one limit on the names netfleet keeps (networks, hosts, API tokens): every name must fit in
 * one URL path segment (`/v1/networks/{name}`, the API's router reads segments up to 256), in a
 * NATS subject token and user name (hosts), and in an OVS `external_ids` value. libvirt itself
 * bounds a network name only by its file name (`<name>.xml` under NAME_MAX); 64 keeps all of
 * netfleet's names alike and well inside each of those.
 */
export const NAME_MAX_LENGTH = 64;

/** Positions and other counters travel as JSON numbers: exact only up to 2^53 - 1. */
export const MAX_POSITION = Number.MAX_SAFE_INTEGER;
