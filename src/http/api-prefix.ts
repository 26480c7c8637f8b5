/** Every route lives under /api (SPEC: wire format). */
export const API_PREFIX = 'api';
