import { describe, expect, it } from 'vitest';
import { highlightXml } from './xml-highlight';

describe('highlightXml', () => {
  it('splits tags, attributes, values, text and comments, losing no character', () => {
    const xml = `<network type='ovs-datapath'>\n  <!-- c -->\n  <name>a&amp;b</name>\n  <datapath name="dp0"/>\n</network>\n`;
    const tokens = highlightXml(xml);
    expect(tokens.map((t) => t.text).join('')).toBe(xml);
    expect(tokens.filter((t) => t.kind === 'tag').map((t) => t.text)).toEqual(['network', 'name', 'name', 'datapath', 'network']);
    expect(tokens.filter((t) => t.kind === 'attr').map((t) => t.text)).toEqual(['type', 'name']);
    expect(tokens.filter((t) => t.kind === 'value').map((t) => t.text)).toEqual(["'ovs-datapath'", '"dp0"']);
    expect(tokens.find((t) => t.kind === 'comment')?.text).toBe('<!-- c -->');
  });
});
