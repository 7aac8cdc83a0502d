import { posix } from 'node:path';

/**
 * Why ovs-vswitchd would not take a unix-socket controller target on `bridge`, or undefined.
 * vswitchd confines itself by default (daemon_should_self_confine): in vswitchd/bridge.c's
 * bridge_configure_remotes, an active `unix:` target with an absolute path outside its run
 * directory, and a passive `punix:` target not of the form `punix:<rundir>/<bridge>.<name>`, are
 * skipped with only a log line — the Controller row stays, with an empty status, as if waiting.
 * Pure: the run directory is passed in.
 */
export function confinementProblem(target: string, bridge: string, runDir: string): string | undefined {
  const dir = posix.normalize(runDir).replace(/\/+$/, '');
  if (target.startsWith('unix:')) {
    const path = target.slice('unix:'.length);
    if (path.includes('/') && !posix.normalize(path).startsWith(`${dir}/`)) {
      return `ovs-vswitchd connects to unix-socket controllers only inside its run directory ${dir}; ${target} is outside it`;
    }
  } else if (target.startsWith('punix:')) {
    const allowed = `${dir}/${bridge}.`;
    const path = posix.normalize(target.slice('punix:'.length));
    if (!path.startsWith(allowed) || path.slice(allowed.length).includes('/')) {
      return `ovs-vswitchd listens for bridge ${bridge} only on punix:${allowed}<name>; ${target} is not of that form`;
    }
  }
  return undefined;
}
