import { ERROR_CODES, type ErrorCodeSpec } from './error-codes';

/** Markdown code span of any text: doubled backticks when the text has one, no pipes left to split the row. */
const code = (text: string) => {
  const escaped = text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  return escaped.includes('`') ? `\`\` ${escaped} \`\`` : `\`${escaped}\``;
};

const detailsOf = (spec: ErrorCodeSpec) =>
  Object.entries(spec.details).map(([name, kind]) => `\`${name}\` (${kind.replace('?', ', optional')})`).join(', ') || '—';

/**
 * docs/errors.md as generated from the error table (`npm run docs:errors` writes it;
 * test/docs/errors-doc.test.ts fails when the file and the table disagree).
 */
export function renderErrorsDoc(): string {
  const rows = Object.entries(ERROR_CODES).map(([name, spec]: [string, ErrorCodeSpec]) =>
    `| \`${name}\` | ${spec.http ?? '—'} | ${spec.retriable ? 'yes' : 'no'} | ${spec.meaning} | ${spec.fix} | ${code(spec.message)} | ${detailsOf(spec)} |`);
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
    'The message is rendered from the code\'s template: each `{field}` is that field of `details`',
    '(`list` fields as `a, b`, `quoted` as `\'a\', \'b\'`, `clauses` as `a; b`, `lines` one problem per',
    'line; `json` fields are for machines and never rendered). The details column lists what every',
    'error of the code carries; a NetfleetError cannot be made without them (typecheck refuses it).',
    '',
    'This file is generated from `shared/errors/src/error-codes.ts` by `npm run docs:errors`; edit the',
    'table there.',
    '',
    '| code | HTTP | retry | what it means | what to do | message template | details |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
