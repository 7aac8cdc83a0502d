import { useMemo } from 'preact/hooks';
import { highlightXml } from '../lib/xml-highlight';

/** The definition, coloured by a tiny tokenizer; rendered as text nodes only. */
export function XmlView({ xml, label }: { xml: string; label: string }) {
  const tokens = useMemo(() => highlightXml(xml), [xml]);
  return (
    <pre class="xml" aria-label={label} tabIndex={0}><code>
      {tokens.map((t, i) => (t.kind === 'text' ? t.text : <span key={i} class={`x-${t.kind}`}>{t.text}</span>))}
    </code></pre>
  );
}
