/**
 * Every value of one cookie in a Cookie header, names compared after
 * trimming (RFC 6265 §5.2); more than one value is returned as a list, since
 * which one the browser set last is unknown. Hand-written: Express parses no
 * cookies without cookie-parser, and one name is all that is needed here.
 */
export function cookieValues(
  header: string | undefined,
  name: string,
): string | string[] | undefined {
  if (!header) return undefined;
  const values: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    values.push(part.slice(eq + 1).trim());
  }
  if (values.length === 0) return undefined;
  return values.length === 1 ? values[0] : values;
}

/** One cookie's value; undefined when absent or sent more than once. */
export function cookieValue(
  header: string | undefined,
  name: string,
): string | undefined {
  const values = cookieValues(header, name);
  return typeof values === 'string' ? values : undefined;
}
