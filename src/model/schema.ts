/**
 * The published JSON Schema of the model file (docs/model.schema.json), checked with Ajv — a maintained JSON
 * Schema validator, so the schema users read is exactly the one the code enforces. Browser-safe.
 */
import Ajv from 'ajv';
import modelSchema from '../../docs/model.schema.json';

export { modelSchema };

const ajv = new Ajv({ allErrors: false, strict: true });
const validate = ajv.compile(modelSchema);

/** Quoted for a message: at most 60 characters, control characters escaped. */
function shown(value: unknown): string {
    let text: string;
    try {
        text = JSON.stringify(value) ?? String(value);
    } catch {
        text = String(value);
    }
    if (text.length > 60) text = `${text.slice(0, 57)}...`;
    return text;
}

function valueAt(root: unknown, pointer: string): unknown {
    let v: unknown = root;
    for (const raw of pointer.split('/').slice(1)) {
        const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
        if (v === null || typeof v !== 'object') return undefined;
        v = (v as Record<string, unknown>)[key];
    }
    return v;
}

/**
 * Checks a parsed model file against the schema; returns null when it conforms, else one sentence naming the
 * JSON path, what the schema expects and (for a wrong value) what was found.
 */
export function schemaError(obj: unknown): string | null {
    if (validate(obj)) return null;
    const e = validate.errors![0];
    const path = e.instancePath ? e.instancePath.slice(1).split('/').map((k, i) => (/^\d+$/.test(k) ? `[${k}]` : i ? `.${k}` : k)).join('') : 'the model';
    if (e.keyword === 'required') return `${path === 'the model' ? 'the model' : path} has no '${(e.params as { missingProperty: string }).missingProperty}' (required by docs/model.schema.json)`;
    if (e.keyword === 'additionalProperties') return `${path} has an unknown key '${(e.params as { additionalProperty: string }).additionalProperty}' (docs/model.schema.json)`;
    return `${path} ${e.message ?? 'is invalid'}, got ${shown(valueAt(obj, e.instancePath))} (docs/model.schema.json)`;
}
