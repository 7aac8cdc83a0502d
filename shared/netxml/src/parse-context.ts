import type { XmlProblem } from './network-xml-error.ts';
import type { XmlNode } from './read-xml-tree.ts';

/** An element together with where it sits, so every problem can name its path and line. */
export interface At {
  node: XmlNode;
  /** e.g. `/network/ip[2]/dhcp`. */
  path: string;
}

/**
 * Collects problems instead of throwing at the first, and phrases them the libvirt way:
 * `XML error: <what> in network '<name>' <rule> (<path>, line <n>)`.
 */
export class ParseContext {
  readonly problems: XmlProblem[] = [];
  /** Set once `<name>` is read; messages quote it as libvirt does. */
  networkName = '';

  /** ` in network 'x'` (empty before the name is known). */
  get inNetwork(): string {
    return this.networkName === '' ? '' : ` in network '${this.networkName}'`;
  }

  report(path: string, line: number | undefined, text: string, value?: string): void {
    const where = line === undefined ? path : `${path}, line ${line}`;
    const problem: XmlProblem = { path, message: `XML error: ${text} (${where})` };
    if (line !== undefined) problem.line = line;
    if (value !== undefined) problem.value = value;
    this.problems.push(problem);
  }

  /** `<element> <attr> '<value>' in network 'x' <rule>`. */
  invalid(at: At, attribute: string, value: string, rule: string): void {
    this.report(
      `${at.path}/@${attribute}`,
      at.node.line,
      `${at.node.name} ${attribute} '${printable(value)}'${this.inNetwork} ${rule}`,
      value,
    );
  }

  /** `<element> <attr> is missing in network 'x'[: why]`. */
  missing(at: At, attribute: string, why?: string): void {
    const suffix = why === undefined ? '' : ` (${why})`;
    this.report(
      `${at.path}/@${attribute}`,
      at.node.line,
      `missing required attribute '${attribute}' of <${at.node.name}>${this.inNetwork}${suffix}`,
    );
  }

  /** A whole-element problem. */
  element(at: At, text: string): void {
    this.report(at.path, at.node.line, text);
  }

  // --- attribute readers: each reports its own problem and returns undefined when bad ------

  attr(at: At, name: string): string | undefined {
    for (const [key, value] of at.node.attributes) if (key === name) return value;
    return undefined;
  }

  required(at: At, name: string, why?: string): string | undefined {
    const value = this.attr(at, name);
    if (value === undefined || value === '') this.missing(at, name, why);
    return value === '' ? undefined : value;
  }

  yesNo(at: At, name: string): boolean | undefined {
    return this.choice(at, name, { yes: true, no: false });
  }

  onOff(at: At, name: string): boolean | undefined {
    return this.choice(at, name, { on: true, off: false });
  }

  /** One of a closed set, spelled exactly. */
  oneOf<T extends string>(at: At, name: string, allowed: readonly T[]): T | undefined {
    const value = this.attr(at, name);
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.invalid(at, name, value, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
    return undefined;
  }

  /** A decimal integer in [min, max]. */
  integer(at: At, name: string, min: number, max: number): number | undefined {
    const value = this.attr(at, name);
    if (value === undefined) return undefined;
    const number = /^[0-9]{1,16}$/.test(value.trim()) ? Number(value.trim()) : NaN;
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      this.invalid(at, name, value, `must be an integer from ${min} to ${max}`);
      return undefined;
    }
    return number;
  }

  private choice<T>(at: At, name: string, values: Record<string, T>): T | undefined {
    const value = this.attr(at, name);
    if (value === undefined) return undefined;
    if (Object.hasOwn(values, value)) return values[value];
    const words = Object.keys(values).map((w) => `'${w}'`).join(' or ');
    this.invalid(at, name, value, `must be ${words}`);
    return undefined;
  }
}

/** A value as it can sit in a one-line message: control characters as \\uXXXX. */
function printable(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// --- navigation ---------------------------------------------------------------------------

/** Element children named `name`, with paths indexed (`[2]`) when there are several. */
export function childrenNamed(parent: At, name: string): At[] {
  const nodes = parent.node.children.filter((c): c is XmlNode => typeof c !== 'string' && c.name === name);
  return nodes.map((node, i) => ({
    node,
    path: nodes.length > 1 ? `${parent.path}/${name}[${i + 1}]` : `${parent.path}/${name}`,
  }));
}

/**
 * The single child `name`; a second one is reported rather than silently ignored, since the
 * formatter could only write one of them back.
 */
export function singleChild(ctx: ParseContext, parent: At, name: string): At | undefined {
  const all = childrenNamed(parent, name);
  for (const extra of all.slice(1)) {
    ctx.element(extra, `only one <${name}> element is allowed in <${parent.node.name}>${ctx.inNetwork}`);
  }
  return all[0] === undefined ? undefined : { node: all[0].node, path: `${parent.path}/${name}` };
}

/** The first child `name` without reporting extras (for rules that run after `singleChild`). */
export function firstChild(parent: At, name: string): At | undefined {
  return childrenNamed(parent, name)[0];
}

/** The concatenated text of an element (libvirt reads element content as a string). */
export function textOf(at: At): string {
  return at.node.children.filter((c): c is string => typeof c === 'string').join('');
}

/** Names of element children, for "unknown element" checks. */
export function childElements(at: At): XmlNode[] {
  return at.node.children.filter((c): c is XmlNode => typeof c !== 'string');
}

/** What `parse` reads from the one `<name>` child, or undefined when there is none (or it was refused). */
export function parseSingleChild<T>(ctx: ParseContext, parent: At, name: string, parse: (ctx: ParseContext, at: At) => T | undefined): T | undefined {
  const at = singleChild(ctx, parent, name);
  return at && parse(ctx, at);
}

/** What `parse` reads from each `<name>` child, in document order, leaving out those it refused. */
export function parseEachChild<T>(ctx: ParseContext, parent: At, name: string, parse: (ctx: ParseContext, at: At) => T | undefined): T[] {
  return childrenNamed(parent, name).flatMap((at) => parse(ctx, at) ?? []);
}
