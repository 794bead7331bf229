/**
 * Escaping of user-derived text (file names, model names, config_types, info keys, error messages) before it
 * reaches anything that renders HTML: Mol*'s loci labels and toasts (set as innerHTML) and Plotly's text, trace
 * names and hover templates (pseudo-HTML, plus `%{…}` substitution in templates). React text nodes need none.
 */

const HtmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside HTML element content and attribute values. */
export function escapeHtml(text: unknown): string {
    return String(text).replace(/[&<>"']/g, c => HtmlEntities[c]);
}

/**
 * Text safe for Plotly: trace names, `text` arrays and literal parts of hover templates. HTML-escaped, and a
 * `%{` (Plotly's template placeholder) is broken so that a label cannot pull other data into a hover.
 */
export function plotlyText(text: unknown): string {
    return escapeHtml(text).replace(/%\{/g, '%&#123;');
}
