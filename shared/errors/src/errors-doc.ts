import { ERROR_CODES, type ErrorCode, type ErrorCodeSpec } from './error-codes';
import errorDocs from './error-docs.json' with { type: 'json' };

/** The two sentences docs/errors.md shows for a code: what went wrong, and what the user should do about it. */
export interface ErrorDoc {
  readonly meaning: string;
  readonly fix: string;
}

/** The docs' prose of every code, a catalog beside the table; typed by the table so that a code without its prose fails typecheck. */
export const ERROR_DOCS: Readonly<Record<ErrorCode, ErrorDoc>> = errorDocs;

/** Markdown code span of any text: doubled backticks when the text has one, no pipes left to split the row. */
const code = (text: string) => {
  const escaped = text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  return escaped.includes('`') ? `\`\` ${escaped} \`\`` : `\`${escaped}\``;
};

const detailsOf = (spec: ErrorCodeSpec) =>
  Object.entries(spec.details).map(([name, kind]) => `\`${name}\` (${kind.replace('?', ', optional')})`).join(', ') || '—';

/**
 * docs/errors.md as generated from the error table and its prose catalog (`npm run docs:errors`
 * writes it; test/docs/errors-doc.test.ts fails when the file and the sources disagree).
 */
export function renderErrorsDoc(): string {
  const rows = (Object.entries(ERROR_CODES) as [ErrorCode, ErrorCodeSpec][]).map(([name, spec]) => {
    const { meaning, fix } = ERROR_DOCS[name];
    return `| \`${name}\` | ${spec.http ?? '—'} | ${spec.retriable ? 'yes' : 'no'} | ${meaning} | ${fix} | ${code(spec.message)} | ${detailsOf(spec)} |`;
  });
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
    'This file is generated from `shared/errors/src/error-codes.ts` (the table) and',
    '`shared/errors/src/error-docs.json` (what each code means, what to do) by `npm run docs:errors`;',
    'edit them there.',
    '',
    '| code | HTTP | retry | what it means | what to do | message template | details |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
