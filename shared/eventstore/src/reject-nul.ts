import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { NetfleetError } from '@netfleet/errors/netfleet-error';

/**
 * PostgreSQL stores no NUL (U+0000) in text or jsonb and refuses the whole statement. The API
 * refuses NULs at its edge; this is the check beneath it, for every value any caller passes, so a
 * NUL that slipped past an edge is a clear 400 (NF_STORE_BAD_VALUE) before SQL, never a 500.
 */
export function assertNoNul(value: unknown, what: string): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('\u0000')) throw new NetfleetError('NF_STORE_BAD_VALUE', { what, why: 'they hold a NUL character (U+0000), which the store cannot keep' });
    } else if (Array.isArray(v)) {
      stack.push(...v);
    } else if (typeof v === 'object' && v !== null && !(v instanceof Date) && !Buffer.isBuffer(v) && !ArrayBuffer.isView(v)) {
      for (const [k, inner] of Object.entries(v)) { stack.push(k, inner); }
    }
  }
}

/** The kysely side: every value bound into a query (ValueNode, value lists, raw sql parameters). */
export class RejectNulPlugin implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const stack: unknown[] = [args.node];
    while (stack.length > 0) {
      const node = stack.pop();
      if (typeof node !== 'object' || node === null) continue;
      const kind = (node as { kind?: string }).kind;
      if (kind === 'ValueNode') assertNoNul((node as { value: unknown }).value, 'the query\'s values');
      else if (kind === 'PrimitiveValueListNode') assertNoNul((node as { values: unknown }).values, 'the query\'s values');
      else for (const child of Object.values(node)) if (typeof child === 'object' && child !== null) stack.push(child);
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
