import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * helmet's headers on every response, the JSON API's included. The console is
 * an admin page: scripts, styles, images and API calls come from this origin
 * only (images also from data: URLs) (no inline code, so an injected title cannot run), and no other site
 * may frame it (clickjacking). Referrer-Policy stays no-referrer (SPEC §2).
 */
export function contentSecurity(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // data: for the QR code of a TOTP enrolment, drawn in the page (an
        // image cannot run script, whatever its source).
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
}
