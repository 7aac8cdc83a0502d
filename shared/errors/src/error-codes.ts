/**
 * Every error code netfleet can report, as data, one row a code: the HTTP status the API answers
 * with (null for codes that never cross HTTP: agent, CLI and dev-fleet failures), whether trying
 * again later can succeed, the details fields it carries and the message template a NetfleetError
 * of that code renders from them. The API's error handler, the CLI, NetfleetError, the docs
 * generator (`npm run docs:errors`) and test/docs/errors-doc.test.ts all read this one table. The
 * two sentences docs/errors.md shows for each code (what it means, what to do) are prose for the
 * docs only, kept apart in error-docs.json.
 */
export interface ErrorCodeSpec {
  readonly http: number | null;
  readonly retriable: boolean;
  /** The details an error of this code carries (on the wire too), each with its kind; `?`: optional. */
  readonly details: Readonly<Record<string, DetailField>>;
  /**
   * What the error says, with `{field}` where a details field is rendered (see error-message.ts
   * for how each kind is written). It says what is wrong and, where the situation allows, what to do.
   */
  readonly message: string;
}

/**
 * The kinds a details field can have: `text` and `number` are rendered as they are, `list` as
 * `a, b`, `quoted` as `'a', 'b'`, `clauses` as `a; b`, `lines` (problems with a `message` each) one
 * per line; `json` is carried for machines and never rendered.
 */
export type DetailKind = 'text' | 'number' | 'list' | 'quoted' | 'clauses' | 'lines' | 'json';
export type DetailField = DetailKind | `${DetailKind}?`;

export const ERROR_CODES = {
  // XML
  NF_XML_SYNTAX: { http: 400, retriable: false, details: { problems: 'lines' }, message: '{problems}' },
  NF_XML_INVALID: { http: 400, retriable: false, details: { problems: 'lines' }, message: '{problems}' },
  NF_XML_FORBIDDEN: { http: 400, retriable: false, details: { problems: 'lines' }, message: '{problems}' },
  NF_XML_TOO_LARGE: { http: 413, retriable: false, details: { problems: 'lines' }, message: '{problems}' },
  // API
  NF_API_BAD_REQUEST: { http: 400, retriable: false, details: { problem: 'text', parameter: 'text?', value: 'text?', validation: 'json?', fastifyCode: 'text?' }, message: '{problem}; see /openapi.json' },
  NF_API_NOT_FOUND: { http: 404, retriable: false, details: { method: 'text', path: 'text' }, message: 'no such endpoint: {method} {path}; see /openapi.json' },
  NF_API_INTERNAL: { http: 500, retriable: false, details: { requestId: 'text' }, message: 'internal error; the API logged the details (request id {requestId})' },
  NF_API_METHOD_NOT_ALLOWED: { http: 405, retriable: false, details: { method: 'text', path: 'text', allow: 'list' }, message: '{method} is not allowed on {path}; it takes {allow}' },
  NF_API_BAD_URL: { http: 400, retriable: false, details: { part: 'text', fastifyCode: 'text?' }, message: '{part} cannot be decoded: percent-encode it correctly (%XX with two hex digits, UTF-8)' },
  NF_API_URI_TOO_LONG: { http: 414, retriable: false, details: { max: 'number', fastifyCode: 'text?' }, message: 'a name in the path is longer than any name can be (names are at most {max} characters)' },
  NF_API_PAYLOAD_TOO_LARGE: { http: 413, retriable: false, details: { fastifyCode: 'text?' }, message: 'the request body is over 2 MiB; a network definition is far smaller' },
  NF_API_UNSUPPORTED_MEDIA_TYPE: { http: 415, retriable: false, details: { fastifyCode: 'text?' }, message: 'this Content-Type is not read here: send application/json (or application/xml for a network definition)' },
  NF_API_MALFORMED_BODY: { http: 400, retriable: false, details: { problem: 'text', fastifyCode: 'text?' }, message: 'the body cannot be read: {problem}' },
  NF_API_HEADERS_TOO_LARGE: { http: 431, retriable: false, details: {}, message: 'the request headers are over the server\'s limit; send smaller headers' },
  NF_API_REQUEST_TIMEOUT: { http: 408, retriable: true, details: {}, message: 'the request did not arrive in time; retry' },
  NF_API_NUL_CHARACTER: { http: 400, retriable: false, details: { where: 'text' }, message: 'the request has a NUL character (U+0000) in {where}; remove it (netfleet stores no NUL characters)' },
  NF_API_BAD_IF_MATCH: { http: 400, retriable: false, details: { problem: 'text', ifMatch: 'text?', expectedVersion: 'number?' }, message: 'If-Match {problem}' },
  NF_API_BAD_IDEMPOTENCY_KEY: { http: 400, retriable: false, details: { length: 'number' }, message: 'Idempotency-Key must be 1-255 visible ASCII characters (a UUID per command is best)' },
  NF_API_IDEMPOTENCY_MISMATCH: { http: 422, retriable: false, details: { idempotencyKey: 'text', actor: 'text' }, message: 'Idempotency-Key \'{idempotencyKey}\' was already used by {actor} for a different request; nothing was done: use a new key for a new request' },
  NF_API_IDEMPOTENCY_IN_PROGRESS: { http: 409, retriable: true, details: { idempotencyKey: 'text' }, message: 'a request with Idempotency-Key \'{idempotencyKey}\' is still being handled; retry in a moment' },
  // AUTH
  NF_AUTH_MISSING: { http: 401, retriable: false, details: {}, message: 'no API token: pass --token or set NETFLEET_TOKEN (Authorization: Bearer <token>)' },
  NF_AUTH_INVALID: { http: 401, retriable: false, details: { reason: 'text', token: 'text?' }, message: 'the API token is not valid ({reason}); ask an admin for a token (netfleet token-create)' },
  NF_AUTH_FORBIDDEN: { http: 403, retriable: false, details: { actor: 'text', role: 'text', needs: 'text' }, message: '{actor} has role {role}, but this needs {needs}; ask an admin for a token with that role' },
  // TOKEN
  NF_TOKEN_EXISTS: { http: 409, retriable: false, details: { name: 'text' }, message: 'a token named \'{name}\' already exists (names are never reused, even revoked ones); choose another name' },
  NF_TOKEN_NOT_FOUND: { http: 404, retriable: false, details: { name: 'text' }, message: 'no active token named \'{name}\'; see token-list' },
  // NETWORK
  NF_NETWORK_NOT_FOUND: { http: 404, retriable: false, details: { network: 'text' }, message: 'network \'{network}\' is not defined; see net-list --all for the defined networks' },
  NF_NETWORK_EXISTS: { http: 409, retriable: false, details: { network: 'text', uuid: 'text', todo: 'text' }, message: 'network \'{network}\' already exists with uuid {uuid}; {todo}, or choose another name' },
  NF_NETWORK_ALREADY_ACTIVE: { http: 409, retriable: false, details: { network: 'text' }, message: 'network \'{network}\' is already active; use net-destroy first to restart it' },
  NF_NETWORK_NOT_ACTIVE: { http: 409, retriable: false, details: { network: 'text' }, message: 'network \'{network}\' is not active' },
  NF_NETWORK_ACTIVE: { http: 409, retriable: false, details: { network: 'text', hosts: 'list' }, message: 'network \'{network}\' is still active on {hosts}; run net-destroy first (or net-undefine --destroy)' },
  NF_NETWORK_BRIDGE_CONFLICT: { http: 409, retriable: false, details: { network: 'text', bridge: 'text', conflictsWith: 'text', hosts: 'list' }, message: 'bridge \'{bridge}\' of network \'{network}\' is already used by network \'{conflictsWith}\' on {hosts}; choose another datapath/bridge name or other hosts' },
  NF_NETWORK_NAME_TOO_LONG: { http: 400, retriable: false, details: { name: 'text', length: 'number', max: 'number' }, message: 'network name \'{name}…\' has {length} characters; names are at most {max}' },
  NF_NETWORK_NO_PLACEMENT: { http: 400, retriable: false, details: { network: 'text', problem: 'text' }, message: 'network \'{network}\' {problem}' },
  NF_NETWORK_TRANSIENT: { http: 409, retriable: false, details: { network: 'text' }, message: 'network \'{network}\' is transient (made by net-create); only persistent networks can autostart' },
  // HOST
  NF_HOST_INVALID: { http: 400, retriable: false, details: { host: 'text', max: 'number' }, message: 'host name \'{host}\' is not valid: use 1-{max} letters, digits, \'-\' or \'_\'' },
  NF_HOST_RESERVED: { http: 400, retriable: false, details: { host: 'text', reason: 'text' }, message: 'host name {reason}; choose another name (nothing was recorded)' },
  NF_HOST_UNKNOWN: { http: 400, retriable: false, details: { hosts: 'quoted' }, message: 'unknown host {hosts}; register with host-add, or see host-list' },
  NF_HOST_NO_MATCH: { http: 400, retriable: false, details: { selector: 'text' }, message: 'no host has the labels {selector}; see host-list for the hosts and their labels' },
  NF_HOST_BAD_SELECTOR: { http: 400, retriable: false, details: { selector: 'text' }, message: 'label selector \'{selector}\' is not key=value[,key=value…] (letters, digits, \'_\', \'.\', \'-\')' },
  // HISTORY
  NF_HISTORY_BAD_POINT: { http: 400, retriable: false, details: { parameter: 'text', value: 'text', expected: 'text' }, message: '\'{value}\' is {expected} such as 2026-11-28T06:00:00Z (the {parameter} parameter)' },
  // AUDIT
  NF_AUDIT_KEY_UNREADABLE: { http: 500, retriable: false, details: { file: 'text', reason: 'text' }, message: 'the audit signing key {file} cannot be used ({reason}); fix its permissions, or move it away to have a new key made (older checkpoints then name a key this API no longer has)' },
  // SCHEMAS
  NF_SCHEMA_NOT_FOUND: { http: 404, retriable: false, details: { type: 'text', version: 'number', known: 'text' }, message: 'no data schema v{version} of event type \'{type}\' ({known}); see GET /v1/schemas' },
  // WEBHOOKS
  NF_WEBHOOK_BAD_URL: { http: 400, retriable: false, details: { url: 'text', problem: 'text' }, message: '{problem}; a webhook URL is the receiver\'s full http(s) URL without credentials, e.g. https://hooks.example.com/netfleet' },
  NF_WEBHOOK_UNKNOWN_TYPE: { http: 400, retriable: false, details: { types: 'quoted' }, message: 'no event type {types}; use netfleet types (NetworkStarted) or CloudEvents types (io.netfleet.network.started), see GET /v1/schemas' },
  NF_WEBHOOK_NOT_FOUND: { http: 404, retriable: false, details: { id: 'text' }, message: 'no webhook \'{id}\'; see webhook-list' },
  // STORE
  NF_STORE_CONFLICT: { http: 409, retriable: true, details: { stream: 'text', versions: 'text', streamId: 'text?', network: 'text?', expectedVersion: 'json', actualVersion: 'number?' }, message: '{stream} changed since {versions}; read it again and redo the change' },
  NF_STORE_CONTENDED: { http: 503, retriable: true, details: { streamId: 'text', attempts: 'number' }, message: '{streamId}: the fleet view kept changing under {attempts} attempts to record this; retry' },
  NF_STORE_UNAVAILABLE: { http: 503, retriable: true, details: { reason: 'text', pgCode: 'text?' }, message: 'the event store (PostgreSQL) is unreachable: {reason}; check that PostgreSQL runs and NETFLEET_PG_URL is right' },
  NF_STORE_NO_DATABASE: { http: 503, retriable: true, details: { reason: 'text', pgCode: 'text?' }, message: 'the event store\'s database does not exist: {reason}; create it or fix NETFLEET_PG_URL' },
  NF_STORE_MIGRATION_FAILED: { http: 500, retriable: false, details: { migration: 'text', reason: 'text', results: 'json' }, message: 'database migration {migration} failed: {reason}; it was rolled back whole: fix it and run npm run migrate' },
  NF_STORE_BAD_VALUE: { http: 400, retriable: false, details: { what: 'text', why: 'text', pgCode: 'text?' }, message: '{what} cannot be stored: {why}; nothing was recorded' },
  NF_STORE_FAILED: { http: 500, retriable: false, details: { reason: 'text', pgCode: 'text?' }, message: 'the event store failed: {reason}' },
  // BUS
  NF_BUS_UNAVAILABLE: { http: 503, retriable: true, details: { reason: 'text', servers: 'text?' }, message: '{reason}; check that nats-server runs with JetStream (-js) and NETFLEET_NATS_URL is right' },
  NF_BUS_JETSTREAM: { http: 503, retriable: true, details: { reason: 'text' }, message: 'NATS JetStream is not usable: {reason}; start nats-server with -js' },
  NF_BUS_STREAM_REPLICAS: { http: null, retriable: false, details: { value: 'text' }, message: 'NETFLEET_STREAM_REPLICAS \'{value}\' is not a replica count: give a whole number from 1 to 5 (3 on a 3-node NATS cluster)' },
  NF_BUS_BAD_EVENT: { http: null, retriable: false, details: { reason: 'text' }, message: 'the event is refused: {reason}' },
  NF_BUS_HOST_MISMATCH: { http: null, retriable: false, details: { claimed: 'text', subjectHost: 'text' }, message: 'event for host \'{claimed}\' arrived on the subject of host \'{subjectHost}\'' },
  NF_BUS_NOT_PLACED: { http: null, retriable: false, details: { host: 'text', type: 'text', network: 'text' }, message: 'host \'{host}\' reported {type} about network \'{network}\', which was never placed on it' },
  NF_BUS_EVENT_TOO_LARGE: { http: null, retriable: false, details: { bytes: 'number', max: 'number' }, message: 'the event has {bytes} bytes; at most {max} are recorded' },
  NF_BUS_UNRECORDABLE: { http: null, retriable: false, details: { deliveries: 'number', reason: 'text' }, message: 'the store refused it {deliveries} times: {reason}' },
  NF_BUS_BAD_HOST_NAME: { http: null, retriable: false, details: { host: 'text' }, message: 'host name \'{host}\' cannot be a NATS user or subject token; use 1-64 letters, digits, \'-\' or \'_\'' },
  NF_BUS_BAD_USER: { http: null, retriable: false, details: { user: 'text' }, message: 'NATS user \'{user}\' must be 1-64 letters, digits, \'-\' or \'_\'' },
  NF_BUS_BAD_NAMESPACE: { http: null, retriable: false, details: { namespace: 'text' }, message: 'bus namespace \'{namespace}\' must be dot-separated tokens of letters, digits, \'-\' or \'_\'' },
  NF_BUS_BAD_PASSWORD_HASH: { http: null, retriable: false, details: { user: 'text' }, message: 'the password of NATS user \'{user}\' must be a bcrypt hash ($2a$/$2b$…, from hashPassword), never the password itself' },
  NF_BUS_DUPLICATE_USER: { http: null, retriable: false, details: { user: 'text' }, message: 'NATS user \'{user}\' appears twice (host names and the API user must all differ)' },
  NF_BUS_AUTH_CONFIG_WRITE: { http: null, retriable: false, details: { path: 'text', reason: 'text' }, message: 'cannot write the NATS auth config {path}: {reason}; check that its directory exists and is writable' },
  // OVS
  NF_OVS_NOT_INSTALLED: { http: null, retriable: false, details: { missing: 'text', args: 'json?', stderr: 'text?', exitCode: 'number?', signal: 'text?' }, message: 'Open vSwitch is not installed here ({missing} not found). Run `npm run bootstrap` (it installs the Debian packages openvswitch-switch and openvswitch-testcontroller).' },
  NF_OVS_DB_UNREACHABLE: { http: null, retriable: true, details: { reason: 'text', path: 'text?', args: 'json?', stderr: 'text?', exitCode: 'number?', signal: 'text?' }, message: 'cannot reach the OVS database ({reason}). Check that ovsdb-server is running and the socket (--db) is right.' },
  NF_OVS_TIMEOUT: { http: null, retriable: true, details: { problem: 'text', cfg: 'number?', args: 'json?', stderr: 'text?', exitCode: 'number?', signal: 'text?' }, message: '{problem}. Check that ovsdb-server and ovs-vswitchd are running and not overloaded.' },
  NF_OVS_COMMAND_FAILED: { http: null, retriable: false, details: { reason: 'text', error: 'json?', args: 'json?', stderr: 'text?', exitCode: 'number?', signal: 'text?' }, message: 'OVS failed: {reason}' },
  NF_OVS_PROTOCOL: { http: null, retriable: true, details: { problem: 'text' }, message: 'OVS answered with something the agent cannot read: {problem}' },
  NF_OVS_CONTROLLER_REFUSED: { http: null, retriable: false, details: { network: 'text', bridge: 'text', problems: 'clauses', runDir: 'text' }, message: 'network {network}, bridge {bridge}: {problems}. Choose a free socket path where ovs-vswitchd allows it (punix:{runDir}/{bridge}.<name>); nothing was changed on this host.' },
  NF_OVS_BRIDGE_FOREIGN: { http: null, retriable: false, details: { network: 'text', bridge: 'text', ownerKey: 'text' }, message: 'bridge {bridge} already exists on this host and was not created by netfleet (no external_ids:{ownerKey}); netfleet will not touch it: delete or rename it, or give network {network} another datapath name' },
  NF_OVS_BRIDGE_DUPLICATE: { http: null, retriable: false, details: { network: 'text', bridge: 'text', usedBy: 'text' }, message: 'bridge {bridge} is already used by network {usedBy} on this host; give network {network} another datapath name' },
  NF_OVS_SPEC_INVALID: { http: null, retriable: false, details: { subject: 'text', problems: 'clauses' }, message: '{subject}: {problems}; none of it is passed to ovs-vsctl' },
  NF_OVS_PKI_CONFLICT: { http: null, retriable: false, details: { network: 'text', wanted: 'text', conflict: 'text' }, message: 'network {network} needs PKI{wanted} but {conflict}' },
  NF_OVS_SSL_MISSING: { http: null, retriable: false, details: { network: 'text' }, message: 'network {network} has an ssl controller but no PKI (private key, certificate, CA certificate) was given' },
  NF_OVS_SANDBOX_TIMEOUT: { http: null, retriable: true, details: { daemon: 'text', where: 'text', timeoutMs: 'number' }, message: '{daemon} did not accept connections on {where} within {timeoutMs} ms; see its log file' },
  NF_OVS_SANDBOX_DAEMON_DIED: { http: null, retriable: false, details: { daemon: 'text', exitCode: 'text', signal: 'text', when: 'text', output: 'text', dir: 'text?', where: 'text?' }, message: '{daemon} exited (code {exitCode}, signal {signal}) {when}: {output}' },
  NF_OVS_SANDBOX_INIT_FAILED: { http: null, retriable: false, details: { command: 'text', stderr: 'text', dir: 'text?', db: 'text?', exitCode: 'number?' }, message: '{command} failed while starting the OVS sandbox: {stderr}' },
  NF_OVS_SANDBOX_IN_USE: { http: null, retriable: false, details: { dir: 'text', program: 'text', pid: 'number' }, message: 'OVS sandbox directory {dir} is in use by {program} (pid {pid}); stop that sandbox first or use another directory' },
  NF_OVS_SANDBOX_PATH_TOO_LONG: { http: null, retriable: false, details: { dir: 'text', length: 'number', max: 'number' }, message: 'OVS sandbox directory {dir} is too long for unix sockets ({length} bytes; at most {max}): choose a shorter directory' },
  // AGENT
  NF_AGENT_UNSUPPORTED_NETWORK: { http: null, retriable: false, details: { network: 'text', problem: 'text' }, message: 'network \'{network}\' {problem}; netfleet starts ovs-datapath networks (with a <datapath>) and libvirt\'s Open vSwitch bridges (<forward mode=\'bridge\'/> with <virtualport type=\'openvswitch\'/>)' },
  NF_AGENT_BAD_DEFINITION: { http: null, retriable: false, details: { network: 'text', reason: 'text' }, message: 'the agent cannot read the definition of network {network}: {reason}' },
  NF_AGENT_FAILED: { http: null, retriable: true, details: { reason: 'text' }, message: 'the reconcile pass failed: {reason}' },
  // LIBVIRT (the host's libvirt, when the agent has NETFLEET_LIBVIRT_URI)
  NF_LIBVIRT_UNREACHABLE: { http: null, retriable: true, details: { uri: 'text', reason: 'text', args: 'json?' }, message: 'cannot reach libvirt at {uri}: {reason}; check libvirtd and NETFLEET_LIBVIRT_URI (unset it if the host has no libvirt)' },
  NF_LIBVIRT_COMMAND_FAILED: { http: null, retriable: true, details: { command: 'text', reason: 'text', uri: 'text?', args: 'json?' }, message: '{command} failed: {reason}' },
  NF_LIBVIRT_NETWORK_FOREIGN: { http: null, retriable: false, details: { network: 'text', uuid: 'text', uri: 'text?' }, message: 'the host\'s libvirt already has a network named {network} that netfleet did not create (uuid {uuid}); it is left untouched. Rename or remove it, then start the network again.' },
  NF_LIBVIRT_SANDBOX_FAILED: { http: null, retriable: false, details: { problem: 'text', program: 'text?', dir: 'text?', bridge: 'text?' }, message: 'the libvirt sandbox failed: {problem}' },
  // CLI
  NF_CLI_NO_API: { http: null, retriable: false, details: {}, message: 'no API to talk to: pass --api URL --token TOKEN, set NETFLEET_API and NETFLEET_TOKEN, or start a dev fleet with npm run fleet' },
  NF_CLI_API_UNREACHABLE: { http: null, retriable: true, details: { apiUrl: 'text', reason: 'text' }, message: 'cannot reach the netfleet API at {apiUrl} ({reason}); is it running? (npm run fleet starts a local one)' },
  NF_CLI_FILE: { http: null, retriable: false, details: { file: 'text', reason: 'text' }, message: 'cannot read {file}: {reason}' },
  NF_CLI_USAGE: { http: null, retriable: false, details: { option: 'text', expected: 'text', value: 'text' }, message: '{option} must be {expected}, not \'{value}\'' },
  NF_CLI_EDITOR: { http: null, retriable: false, details: { editor: 'text', reason: 'text' }, message: 'the editor \'{editor}\' failed ({reason}); nothing was changed' },
  NF_CLI_API_ERROR: { http: null, retriable: false, details: { apiMessage: 'text', status: 'number', apiCode: 'text?', apiDetails: 'json' }, message: '{apiMessage}' },
  NF_CLI_STREAM_CUT: { http: null, retriable: false, details: {}, message: 'the API closed the answer before the result; the command is recorded: check with net-status' },
  NF_CLI_EXPORT_CUT: { http: null, retriable: true, details: { reason: 'text' }, message: 'the API closed the export before its end ({reason}); run it again (--since the last position written continues it)' },
  // DEV
  NF_DEV_ALREADY_RUNNING: { http: null, retriable: false, details: { pid: 'number' }, message: 'a dev fleet is already running (pid {pid}); stop it with Ctrl-C (or kill {pid}) first' },
  NF_DEV_CONTROLLER: { http: null, retriable: false, details: { port: 'number', reason: 'text' }, message: 'cannot start ovs-testcontroller on 127.0.0.1:{port}: {reason}. Is another fleet or controller using the port?' },
  NF_DEV_API_DOWN: { http: null, retriable: false, details: { url: 'text', seconds: 'number', log: 'text' }, message: 'the API did not come up on {url} within {seconds} s; see {log}' },
  NF_DEV_REGISTER: { http: null, retriable: false, details: { step: 'text', answer: 'text' }, message: 'could not {step}: {answer}' },
  NF_DEV_NATS: { http: null, retriable: false, details: { outcome: 'text', step: 'text', log: 'text' }, message: 'the fleet\'s nats-server {outcome} while {step}; see {log}' },
  NF_DEV_HOSTS_NOT_READY: { http: null, retriable: true, details: { ready: 'number', total: 'number', seconds: 'number', logs: 'text' }, message: 'only {ready} of {total} hosts came online within {seconds} s; see the agent groups\' logs in {logs}' },
} as const satisfies Record<`NF_${string}`, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}

export function specOf(code: ErrorCode): ErrorCodeSpec {
  return ERROR_CODES[code];
}
