/**
 * What /api/docs adds to Swagger UI so axe-core finds no serious or critical
 * violation (test/integration/api-docs.int-spec.ts): Swagger UI's own colours
 * fail WCAG AA contrast, its deep links nest a link in every operation's
 * button, and some of its controls have no accessible name. Styles where a
 * style can do it; the rest in init.js, since the markup is Swagger UI's.
 */

/**
 * Swagger UI's palette darkened to at least 4.5:1 against its backgrounds
 * (white on the method badges, links and muted text on its light greys).
 * Code samples may no longer scroll inside a box: a scrolling region a
 * keyboard cannot reach is a violation, so they take their full height.
 * Buttons no longer fade: Swagger UI animates every property of a button
 * for 0.3 s, so Execute, disabled at opacity 0.3 while a request runs,
 * stayed below 4.5:1 for a moment after its answer (seen by axe on a busy
 * machine); only the hover shadow is animated now.
 */
export const DOCS_CSS = `body { margin: 0; background: #fafafa; }
.swagger-ui .info .title small { background: #5b6270; }
.swagger-ui .info .title small.version-stamp { background: #4e7a00; }
.swagger-ui .info a, .swagger-ui .info .url, .swagger-ui a.link { color: #1a5fb4; }
.swagger-ui .btn.authorize { color: #17804f; border-color: #17804f; }
.swagger-ui .btn.authorize svg { fill: #17804f; }
.swagger-ui .btn.cancel { color: #c62828; border-color: #c62828; }
.swagger-ui .btn.execute { background-color: #1a5fb4; border-color: #1a5fb4; }
.swagger-ui .btn { transition: box-shadow .3s; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #1f69c0; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #17804f; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #b35900; }
.swagger-ui .opblock.opblock-patch .opblock-summary-method { background: #0f7b63; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #c62828; }
.swagger-ui .opblock.opblock-head .opblock-summary-method { background: #6b46c1; }
.swagger-ui .opblock.opblock-options .opblock-summary-method { background: #1a5fb4; }
.swagger-ui .download-contents { background: #5b6270; }
.swagger-ui table.headers .header-example { color: #595959; }
.swagger-ui .parameter__in, .swagger-ui .parameter__extension { color: #595959; }
.swagger-ui .json-schema-2020-12-expand-deep-button { color: #595959; }
.swagger-ui .json-schema-2020-12__constraint--string { background-color: #8a5a00; }
.swagger-ui .json-schema-2020-12__attribute--warning { color: #c62828; }
.swagger-ui .json-schema-2020-12__attribute--muted { color: #595959; }
.swagger-ui .highlight-code > .microlight { max-height: none; overflow: visible !important; }
`;

/**
 * deepLinking off: with it, each operation's path is a link inside the
 * button that expands it (axe: nested-interactive, once per operation).
 * Syntax highlighting off: its token colours on #333 fail contrast, and
 * plain text keeps Swagger UI's white on #333 (12.6:1). The observer names
 * the controls Swagger UI leaves unnamed (the servers menu, the request
 * body, parameter inputs, the dialog's close button) and drops aria-labels
 * that hide a button's visible text, as Swagger UI re-renders them.
 * validatorUrl null: Swagger UI would otherwise send the document to
 * validator.swagger.io.
 */
export const DOCS_INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: false,
    syntaxHighlight: { activated: false },
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
  function name(element, text) {
    if (!element.hasAttribute('aria-label')) element.setAttribute('aria-label', text);
  }
  function label() {
    document.querySelectorAll('#servers').forEach(function (s) { name(s, 'Server'); });
    document.querySelectorAll('textarea.body-param__text').forEach(function (t) { name(t, 'Request body'); });
    document.querySelectorAll('tr[data-param-name] select, tr[data-param-name] input, tr[data-param-name] textarea').forEach(function (c) {
      name(c, c.closest('tr').getAttribute('data-param-name'));
    });
    document.querySelectorAll('button.close-modal').forEach(function (b) { name(b, 'Close'); });
    document.querySelectorAll('button[aria-label]').forEach(function (b) {
      var text = b.textContent.trim();
      if (text && b.getAttribute('aria-label').indexOf(text) < 0) b.removeAttribute('aria-label');
    });
  }
  new MutationObserver(label).observe(document.body, { childList: true, subtree: true });
});
`;
