/**
 * The README's study section, generated from a run: which data it ran on, the headline table, the overview
 * figure and the run's key statements (the same texts as the report's). `acelens reproduce --readme FILE`
 * writes it between two marker lines of FILE, so the README cannot drift from the committed run.
 */
import { SOURCE_POOLS, type SourcePoolId } from './data';
import type { StudyResult } from './reproduce';
import { paperComparison, studyFindings, thinData } from './report';
import { headlineMarkdown } from './table';

export const README_START = '<!-- acelens-study:start (written by acelens reproduce --readme; do not edit by hand) -->';
export const README_END = '<!-- acelens-study:end -->';

/** Planned size of a pool or the curve (structures, the isolated atom not counted), from the data's provenance. */
export type PlannedCounts = Partial<Record<SourcePoolId | 'curve', number>>;

export interface ReadmeSectionOptions {
  /** the output folder as the README links it, e.g. "docs/reproduce" */
  outDir: string;
  /** the command that regenerates the section */
  command: string;
  /** ISO date of the run */
  date: string;
  planned?: PlannedCounts;
}

/** Statements of the report that the README repeats, in this order (ids of studyFindings / paperComparison). */
export const README_FINDINGS = ['purified-zero', 'standard-self-interaction', 'bulk-wells', 'bulk-bumps', 'paper:dimers-restore:standard', 'paper:dimers-restore:purified', 'paper:pair-sum', 'paper:dft'] as const;

const NOUN: Record<SourcePoolId, string> = { dimers: 'training dimers', narrow: 'narrow', diverse: 'diverse structures' };

export function readmeSection(result: StudyResult, o: ReadmeSectionOptions): string {
    const planned = o.planned ?? {};
    const counts = SOURCE_POOLS.map((d) => `${result.data[d].used} ${NOUN[d]}`);
    const data = `${counts.slice(0, -1).join(', ')} and ${counts[counts.length - 1]}, ${result.dft.points.length} points of the C₂ curve`;
    const plannedList = [...SOURCE_POOLS, 'curve' as const].map((k) => planned[k]);
    const incomplete = [...SOURCE_POOLS.map((d) => [planned[d], result.data[d].trainable] as const), [planned.curve, result.dft.points.length] as const]
        .some(([p, n]) => p !== undefined && n < p);
    const ofPlanned = plannedList.every((x) => x !== undefined) ? ` (of ${plannedList.slice(0, -1).join(', ')} and ${plannedList[plannedList.length - 1]} planned${incomplete ? '; `tools/dft/` is still computing' : ''})` : '';
    const thin = thinData(result);
    const caution = thin
        ? ` Its report opens with a caution (${thin}): **these numbers are not evidence for or against the paper**; they show what the study measures.`
        : incomplete ? ' The DFT run was not complete, so the numbers will change as the data grows.' : '';
    const statements = [...studyFindings(result), ...paperComparison(result)];
    const picked = README_FINDINGS.map((id) => statements.find((f) => f.id === id)).filter((f) => f !== undefined);
    return [
        `**Headline of the committed run** (\`${o.outDir}/\`, ${o.date.slice(0, 10)}, ${Math.round(result.seconds)} s; regenerate with \`${o.command}\`, which also rewrites this section). It ran on the DFT data finished so far: ${data}${ofPlanned}.${caution}`,
        '',
        headlineMarkdown(result).trimEnd(),
        '',
        `![C₂ dimer curves of every model (rows: training pool; columns: standard and self-interaction-free basis; colours: K) against the DFT points](${o.outDir}/figures/dimer-curves.svg)`,
        '',
        `What it shows (statements computed from the run; all of them in \`${o.outDir}/report.md\`):`,
        '',
        ...picked.map((f) => `- ${f.text}`),
    ].join('\n') + '\n';
}

/** `text` with everything between the marker lines replaced by `section`; an error naming `file` when they are missing. */
export function replaceReadmeSection(text: string, section: string, file = 'README'): string {
    const a = text.indexOf(README_START);
    const b = text.indexOf(README_END);
    if (a < 0 || b < 0 || b < a) {
        throw new Error(`${file}: the study section's markers are missing or out of order: expected a line "${README_START}" and, after it, a line "${README_END}"`);
    }
    if (text.indexOf(README_START, a + 1) >= 0 || text.indexOf(README_END, b + 1) >= 0) {
        throw new Error(`${file}: the study section's markers occur more than once`);
    }
    return `${text.slice(0, a + README_START.length)}\n${section}${text.slice(b)}`;
}

/** The section between the markers (without them), or null when `text` has none. */
export function readmeSectionOf(text: string): string | null {
    const a = text.indexOf(README_START);
    const b = text.indexOf(README_END);
    return a < 0 || b < a ? null : text.slice(a + README_START.length + 1, b);
}
