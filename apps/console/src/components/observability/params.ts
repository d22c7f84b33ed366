/** A dynamic route segment as text: Next hands some segments over still percent-encoded. */
export function segment(value: string | undefined): string {
  if (!value) return '';
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
