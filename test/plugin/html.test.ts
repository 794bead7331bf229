import { describe, expect, it } from 'vitest';
import { escapeHtml, plotlyText } from '../../plugin/html';

describe('escaping user-derived text for HTML and Plotly', () => {
    it('escapes every character that could open a tag, an attribute or an entity', () => {
        expect(escapeHtml('<img src=x onerror="alert(1)">&\'')).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;');
        expect(escapeHtml('C₂ dimer · K=3')).toBe('C₂ dimer · K=3');
    });
    it('breaks Plotly template placeholders so a label cannot pull data into a hover', () => {
        expect(plotlyText('%{x} <b>')).toBe('%&#123;x} &lt;b&gt;');
    });
});
