import { utf8Length } from './interface-name.ts';

/** sun_path is 108 bytes including the terminating NUL. */
const MAX_UNIX_SOCKET_PATH_BYTES = 107;
/** PATH_MAX, less the NUL. */
const MAX_PATH_BYTES = 4095;

/**
 * A file path handed to OVS (the SSL table's files, a controller socket): absolute, since OVS
 * resolves a relative one against its own run directory; no NUL or other control character
 * (C strings end at NUL, and a newline forges lines in OVS's logs and tools' output); and in
 * normal form (no empty, `.` or `..` segments, no trailing `/`), so the path is where it seems
 * to be: OVS's own check that a unix controller lies in its run directory compares prefixes.
 */
export function absolutePathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must be an absolute path';
  if (/[\u0000-\u001f\u007f-\u009f]/.test(path)) return 'must not contain control characters';
  if (path.length > 1 && path.endsWith('/')) return "must name a file, not end in '/'";
  const segments = path.slice(1).split('/');
  if (segments.some((s) => s === '')) return "must not contain '//'";
  if (segments.some((s) => s === '.' || s === '..')) return "must not contain '.' or '..' segments";
  if (utf8Length(path) > MAX_PATH_BYTES) return `must be at most ${MAX_PATH_BYTES} bytes`;
  return undefined;
}

/**
 * A unix controller socket: the file path rules, at most 107 bytes (`sun_path`), and no
 * whitespace. OVS's own target parser would take a space, but netfleet's agent takes a target
 * as one word (its last check refuses whitespace, failing the host's whole transaction), and so
 * do scripts reading `ovs-vsctl get-controller`: refused here rather than on every host.
 */
export function unixSocketPathProblem(path: string): string | undefined {
  const problem = absolutePathProblem(path);
  if (problem) return problem;
  if (/\s/.test(path)) return "must not contain whitespace (netfleet's agent takes a controller target as one word)";
  if (utf8Length(path) > MAX_UNIX_SOCKET_PATH_BYTES) {
    return `must be at most ${MAX_UNIX_SOCKET_PATH_BYTES} bytes (a unix socket path)`;
  }
  return undefined;
}

/**
 * ovs-vswitchd (self-confined, its default) only listens on `punix:<rundir>/<bridge>.<suffix>`
 * with no further `/`, and itself listens on `<bridge>.mgmt`; anything else it skips with
 * "possibility of overwriting local files", leaving the network without that listener. The run
 * directory is the host's, so only the file name is checked here.
 */
export function passiveSocketNameProblem(path: string, bridge: string): string | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (!name.startsWith(`${bridge}.`) || name.length === bridge.length + 1) {
    return `must be a file named '${bridge}.<something>' in OVS's run directory (ovs-vswitchd refuses to listen anywhere else)`;
  }
  if (name === `${bridge}.mgmt`) return `must not be '${bridge}.mgmt' (OVS's own management socket for the bridge)`;
  return undefined;
}
