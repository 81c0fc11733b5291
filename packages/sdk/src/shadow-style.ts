/**
 * Styles of the SDK's custom elements. A constructed stylesheet (adoptedStyleSheets) is not inline style, so the
 * elements keep their look on pages with a strict Content-Security-Policy (`style-src 'self'`, like zhibo's room page);
 * browsers without it get a `<style>` element.
 */
const sheets = new Map<string, CSSStyleSheet>();

/** Style a shadow root with `css`; returns the nodes to put first in it (none when a constructed sheet was adopted). */
export function shadowStyle(root: ShadowRoot, css: string): Node[] {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet !== 'undefined' && 'replaceSync' in CSSStyleSheet.prototype) {
    let sheet = sheets.get(css);
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      sheets.set(css, sheet);
    }
    root.adoptedStyleSheets = [sheet];
    return [];
  }
  const style = document.createElement('style');
  style.textContent = css;
  return [style];
}
