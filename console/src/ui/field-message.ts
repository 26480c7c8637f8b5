/**
 * The API names a field by its wire name ("expires_at must be in the
 * future"); a person reads the label they see ("Expiration Date must be in
 * the future"), SPEC §21. class-validator's stock wording is put plainly too.
 */
const PLAIN: [RegExp, string][] = [
  [
    /must be longer than or equal to (\d+) characters/,
    'must be at least $1 characters',
  ],
  [
    /must be shorter than or equal to (\d+) characters/,
    'must be at most $1 characters',
  ],
  [/must not be greater than (\d+)/, 'must be at most $1'],
  [/must not be less than (\d+)/, 'must be at least $1'],
  [/should not be empty/, 'is required'],
];

export function fieldMessage(
  name: string,
  label: string,
  message: string,
): string {
  let text = message;
  for (const [pattern, plain] of PLAIN) text = text.replace(pattern, plain);
  // "expires_at must…", "privileges.3 must…": the wire name is replaced.
  const wire = new RegExp(`^${name}(\\.\\S+)?\\b\\s*`);
  if (wire.test(text)) return `${label} ${text.replace(wire, '')}`;
  // "The code does not match" → "Code does not match".
  for (const lead of ['', 'the ']) {
    if (text.toLowerCase().startsWith(lead + label.toLowerCase())) {
      return label + text.slice(lead.length + label.length);
    }
  }
  return `${label}: ${text}`;
}
