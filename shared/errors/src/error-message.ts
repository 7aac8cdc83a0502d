import { ERROR_CODES, type DetailField, type DetailKind, type ErrorCode } from './error-codes';

/** The TypeScript type of each details kind (error-codes.ts says how each is rendered). */
interface KindTypes {
  text: string;
  number: number;
  list: readonly string[];
  quoted: readonly string[];
  clauses: readonly string[];
  lines: readonly { readonly message: string }[];
  json: unknown;
}

type FieldsOf<C extends ErrorCode> = (typeof ERROR_CODES)[C]['details'];
type TypeOfField<F> = F extends `${infer K extends DetailKind}?` ? KindTypes[K] : F extends DetailKind ? KindTypes[F] : never;
type RequiredKeys<F> = { [K in keyof F]: F[K] extends `${string}?` ? never : K }[keyof F];
type OptionalKeys<F> = Exclude<keyof F, RequiredKeys<F>>;

/**
 * The details a NetfleetError of code C is made from, as the table declares them: a missing
 * required field or a field the table does not name fails typecheck at the throw site.
 */
export type ErrorDetails<C extends ErrorCode> =
  & { -readonly [K in RequiredKeys<FieldsOf<C>>]: TypeOfField<FieldsOf<C>[K]> }
  & { -readonly [K in OptionalKeys<FieldsOf<C>>]?: TypeOfField<FieldsOf<C>[K]> };

/** `{name}` placeholders of a template, as a union of names (at the type level). */
type Placeholders<T extends string> = T extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;
/** The fields a template may render: required ones of a kind that has a text form. */
type RenderableKeys<F> = { [K in keyof F]: F[K] extends 'json' | `${string}?` ? never : K }[keyof F];
type UnsuppliedPlaceholders = {
  [C in ErrorCode]: Exclude<Placeholders<(typeof ERROR_CODES)[C]['message']>, RenderableKeys<FieldsOf<C>>> extends infer U extends string
    ? [U] extends [never] ? never : `${C} {${U}}` : never
}[ErrorCode];
/**
 * Fails typecheck, naming the code and the placeholder, when a template renders a field its code
 * does not declare (or declares optional or `json`); errors-doc.test.ts checks the same at run time.
 */
export const everyPlaceholderIsSupplied: [UnsuppliedPlaceholders] extends [never] ? true : UnsuppliedPlaceholders = true;

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** The field names a template renders, in order of first appearance. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** What is left of a template once its placeholders are taken out (a stray `{` or `}` is a typo). */
export function templateTextOf(template: string): string {
  return template.replace(PLACEHOLDER, '');
}

function renderField(kind: DetailField, value: unknown): string {
  switch (kind.replace('?', '') as DetailKind) {
    case 'list': return (value as readonly string[]).join(', ');
    case 'quoted': return (value as readonly string[]).map((v) => `'${v}'`).join(', ');
    case 'clauses': return (value as readonly string[]).join('; ');
    case 'lines': return (value as readonly { message: string }[]).map((p) => p.message).join('\n');
    default: return String(value);
  }
}

/** The message of an error of this code with these details: its template, each field written in. */
export function renderErrorMessage<C extends ErrorCode>(code: C, details: ErrorDetails<C>): string {
  const spec = ERROR_CODES[code];
  const fields = spec.details as Readonly<Record<string, DetailField>>;
  return spec.message.replace(PLACEHOLDER, (_, name: string) => renderField(fields[name]!, (details as Record<string, unknown>)[name]));
}
