import { NetworkXmlError } from '../network-xml-error.ts';
import { parseNetworkXml } from '../parse-network-xml.ts';

/** For tests: the problems the parser reports for `xml` (failing the test if it accepts it). */
export function problemsOf(xml: string): string[] {
  try {
    parseNetworkXml(xml);
  } catch (error) {
    if (error instanceof NetworkXmlError) return error.problems.map((p) => p.message);
    throw error;
  }
  throw new Error('expected the document to be rejected');
}
