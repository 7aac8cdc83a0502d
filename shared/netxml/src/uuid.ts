/**
 * A UUID in lowercase 8-4-4-4-12 form, or undefined. Lenient like libvirt on input: 32 hex
 * digits, a single dash allowed between any two of them, surrounding whitespace ignored.
 */
export function parseUuid(text: string): string | undefined {
  const trimmed = text.trim();
  if (!/^[0-9a-fA-F](-?[0-9a-fA-F]){31}$/.test(trimmed)) return undefined;
  const hex = trimmed.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
