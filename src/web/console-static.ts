import type { DynamicModule } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where `npm run build` puts the console (scripts/build-console.ts); the same from src/ and dist/. */
export const CONSOLE_DIR = join(__dirname, '..', '..', 'dist', 'console');

/**
 * The console at GET / (SPEC §10), public: static files only, holding no data;
 * everything it shows comes from the guarded API. It is registered after the
 * API routes, and only `/` renders index.html (the console routes with #/…),
 * so an unknown /api/… path still reaches the API's problem+json 404. Without
 * a built console (tests that never ran the build) nothing is mounted, and `/`
 * is that 404 too rather than an error naming a missing file.
 */
export function consoleModules(dir = CONSOLE_DIR): DynamicModule[] {
  if (!existsSync(join(dir, 'index.html'))) return [];
  return [
    ServeStaticModule.forRoot({
      rootPath: dir,
      renderPath: '/',
      // Cache-Control stays no-store (set for every response): the bundle is
      // small, and an admin page is not left in shared caches.
      serveStaticOptions: { cacheControl: false, etag: false, index: false },
    }),
  ];
}
