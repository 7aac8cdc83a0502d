import { ERROR_CODES, type ErrorCodeSpec } from './error-codes';

/**
 * docs/errors.md as generated from the error table (`npm run docs:errors` writes it;
 * test/docs/errors-doc.test.ts fails when the file and the table disagree).
 */
export function renderErrorsDoc(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, spec]: [string, ErrorCodeSpec]) =>
    `| \`${code}\` | ${spec.http ?? '—'} | ${spec.retriable ? 'yes' : 'no'} | ${spec.meaning} | ${spec.fix} |`);
  return [
    '# netfleet error codes',
    '',
    'Every error netfleet reports has a stable `code` (`NF_<AREA>_<WHAT>`) and a message saying what is',
    'wrong and what to do. The API answers `{ "code", "message", "details" }` with the HTTP status',
    'below (503 answers also carry `Retry-After`); the CLI prints `error: <message>` and exits 1 (2 for',
    'usage errors); agents report the code in `NetworkFailedOnHost` events. "Retry" says whether the',
    'same request can succeed later without changing it. A code with no HTTP status never crosses the',
    'API (agent, CLI and dev-fleet failures).',
    '',
    'This file is generated from `shared/errors/src/error-codes.ts` by `npm run docs:errors`; edit the',
    'table there.',
    '',
    '| code | HTTP | retry | what it means | what to do |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
