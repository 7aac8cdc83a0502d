/** A piece of XML text and what it is, for colouring. */
export interface XmlToken {
  kind: 'tag' | 'attr' | 'value' | 'text' | 'comment' | 'punct';
  text: string;
}

/**
 * A tiny XML tokenizer for display only (the API has already validated and canonicalised the
 * definition). The output is rendered as text nodes, never as HTML, so nothing is injected. Pure.
 */
export function highlightXml(xml: string): XmlToken[] {
  const tokens: XmlToken[] = [];
  const push = (kind: XmlToken['kind'], text: string) => { if (text) tokens.push({ kind, text }); };
  let i = 0;
  while (i < xml.length) {
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      const stop = end < 0 ? xml.length : end + 3;
      push('comment', xml.slice(i, stop));
      i = stop;
      continue;
    }
    if (xml[i] === '<') {
      const end = xml.indexOf('>', i);
      const stop = end < 0 ? xml.length : end + 1;
      tag(xml.slice(i, stop), push);
      i = stop;
      continue;
    }
    const next = xml.indexOf('<', i);
    const stop = next < 0 ? xml.length : next;
    push('text', xml.slice(i, stop));
    i = stop;
  }
  return tokens;
}

function tag(source: string, push: (kind: XmlToken['kind'], text: string) => void): void {
  const name = /^<[/?]?[^\s/>]*/.exec(source)![0];
  push('punct', name.slice(0, name.search(/[^</?]/) < 0 ? name.length : name.search(/[^</?]/)));
  push('tag', name.replace(/^<[/?]?/, ''));
  const attrs = /(\s+)([^\s=/>?]+)(\s*=\s*)("[^"]*"|'[^']*')?|(\s*[/?]?>)|(\s+)/g;
  attrs.lastIndex = name.length;
  let m: RegExpExecArray | null;
  let last = name.length;
  while ((m = attrs.exec(source)) && m.index === last) {
    if (m[2] !== undefined) {
      push('text', m[1]!);
      push('attr', m[2]);
      push('punct', m[3] ?? '');
      push('value', m[4] ?? '');
    } else {
      push('punct', m[5] ?? m[6] ?? '');
    }
    last = attrs.lastIndex;
  }
  push('text', source.slice(last));
}
