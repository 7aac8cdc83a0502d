import { utf8Length } from './interface-name.ts';

/** sun_path is 108 bytes including the terminating NUL. */
const MAX_UNIX_SOCKET_PATH_BYTES = 107;

export function absolutePathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must be an absolute path';
  if (path.includes('\u0000')) return 'must not contain a NUL character';
  return undefined;
}

export function unixSocketPathProblem(path: string): string | undefined {
  const problem = absolutePathProblem(path);
  if (problem) return problem;
  if (utf8Length(path) > MAX_UNIX_SOCKET_PATH_BYTES) {
    return `must be at most ${MAX_UNIX_SOCKET_PATH_BYTES} bytes (a unix socket path)`;
  }
  return undefined;
}
