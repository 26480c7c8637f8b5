/** camelCase → snake_case: the one rule for column names and wire field names. */
export const snakeCase = (name: string): string =>
  name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
