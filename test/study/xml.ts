/**
 * A small, strict XML well-formedness check for the SVG tests (no XML library in the dependencies):
 * one root element, properly nested and closed tags, quoted attributes without raw '<' or '&', only the
 * five predefined entities or numeric references in text and attributes. Returns the elements
 * (name and attributes) in document order.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  text: string;
}

const NAME = /^[A-Za-z_][\w.:-]*$/;
const ENTITY = /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

export function parseXml(src: string): XmlElement[] {
    const out: XmlElement[] = [];
    const stack: XmlElement[] = [];
    let roots = 0;
    let i = 0;
    const s = src.replace(/^<\?xml[^?]*\?>\s*/, '');
    while (i < s.length) {
        const lt = s.indexOf('<', i);
        const text = s.slice(i, lt < 0 ? s.length : lt);
        if (ENTITY.test(text)) throw new Error(`bad entity in text near ${i}: ${text.slice(0, 40)}`);
        if (text.trim()) {
            if (!stack.length) throw new Error(`text outside the root element near ${i}`);
            stack[stack.length - 1].text += text;
        }
        if (lt < 0) break;
        const gt = s.indexOf('>', lt);
        if (gt < 0) throw new Error(`unclosed tag at ${lt}`);
        const tag = s.slice(lt + 1, gt);
        if (tag.startsWith('!--')) {
            const end = s.indexOf('-->', lt);
            if (end < 0) throw new Error('unclosed comment');
            i = end + 3;
            continue;
        }
        if (tag.startsWith('/')) {
            const name = tag.slice(1).trim();
            const open = stack.pop();
            if (!open || open.name !== name) throw new Error(`closing </${name}> does not match <${open?.name ?? 'nothing'}> at ${lt}`);
            i = gt + 1;
            continue;
        }
        const selfClosing = tag.endsWith('/');
        const body = selfClosing ? tag.slice(0, -1) : tag;
        const m = /^([^\s]+)([\s\S]*)$/.exec(body.trim());
        if (!m || !NAME.test(m[1])) throw new Error(`bad tag name in <${tag.slice(0, 30)}> at ${lt}`);
        const attrs: Record<string, string> = {};
        let rest = m[2];
        const attrRe = /^\s+([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/;
        for (;;) {
            const a = attrRe.exec(rest);
            if (!a) break;
            const v = a[3] ?? a[4];
            if (v.includes('<') || ENTITY.test(v)) throw new Error(`bad attribute value ${a[1]}="${v}"`);
            if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]} in <${m[1]}>`);
            attrs[a[1]] = v;
            rest = rest.slice(a[0].length);
        }
        if (rest.trim()) throw new Error(`malformed attributes in <${m[1]}>: '${rest.trim().slice(0, 30)}'`);
        const el: XmlElement = { name: m[1], attrs, text: '' };
        if (!stack.length) {
            roots++;
            if (roots > 1) throw new Error('more than one root element');
        }
        out.push(el);
        if (!selfClosing) stack.push(el);
        i = gt + 1;
    }
    if (stack.length) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
    if (roots !== 1) throw new Error('no root element');
    return out;
}
