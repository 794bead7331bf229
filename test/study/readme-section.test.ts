/**
 * The README's study section: generated from a run (table, figure, the report's own statements), written
 * between marker lines, and the committed README equal to the committed run's section.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { README_END, README_FINDINGS, README_START, readmeSection, readmeSectionOf, replaceReadmeSection } from '../../src/study/readme-section';
import { runStudy, type StudyResult } from '../../src/study/reproduce';
import { paperComparison, studyFindings } from '../../src/study/report';
import { headlineMarkdown } from '../../src/study/table';
import { syntheticStudyData } from './synthetic';

const REPO = resolve(__dirname, '../..');

describe('readmeSection', () => {
    let result: StudyResult;
    beforeAll(async () => {
        result = await runStudy(await syntheticStudyData(6), { quick: true });
    }, 120_000);

    it('holds the headline table, the figure and the report\'s statements, and the data it ran on', () => {
        const s = readmeSection(result, { outDir: 'docs/x', command: 'npx acelens reproduce --out docs/x', date: '2026-01-02T03:04:05Z', planned: { dimers: 99, narrow: 99, diverse: 99, curve: 99 } });
        expect(s).toContain(headlineMarkdown(result).trimEnd());
        expect(s).toContain('](docs/x/figures/dimer-curves.svg)');
        expect(s).toContain('`docs/x/`, 2026-01-02');
        expect(s).toContain('`npx acelens reproduce --out docs/x`');
        const statements = [...studyFindings(result), ...paperComparison(result)];
        let n = 0;
        for (const id of README_FINDINGS) {
            const f = statements.find((x) => x.id === id);
            if (f) { expect(s).toContain(`- ${f.text}`); n++; }
        }
        expect(n).toBeGreaterThanOrEqual(3);
        expect(s).toContain(`${result.data.dimers.used} training dimers`);
        expect(s).toContain('of 99, 99, 99 and 99 planned; `tools/dft/` is still computing');
        // the synthetic pools are small: the caution is there
        expect(s).toContain('**these numbers are not evidence for or against the paper**');
    });

    it('replaceReadmeSection keeps everything outside the markers; missing or doubled markers are errors naming the file', () => {
        const text = `a\n${README_START}\nold\n${README_END}\nb\n`;
        const out = replaceReadmeSection(text, 'new\n', 'X.md');
        expect(out).toBe(`a\n${README_START}\nnew\n${README_END}\nb\n`);
        expect(readmeSectionOf(out)).toBe('new\n');
        expect(() => replaceReadmeSection('a\nb\n', 'x', 'X.md')).toThrow(/^X\.md: the study section's markers are missing/);
        expect(() => replaceReadmeSection(`${README_END}\n${README_START}\n`, 'x', 'X.md')).toThrow(/out of order/);
        expect(() => replaceReadmeSection(`${README_START}\n${README_END}\n${README_START}\n${README_END}\n`, 'x', 'X.md')).toThrow(/more than once/);
    });
});

describe('the committed README', () => {
    it('shows the committed run: its study section is docs/reproduce/readme-section.md', () => {
        const file = join(REPO, 'docs/reproduce/readme-section.md');
        expect(existsSync(file), 'docs/reproduce/readme-section.md (npx acelens reproduce --out docs/reproduce --readme README.md)').toBe(true);
        const section = readmeSectionOf(readFileSync(join(REPO, 'README.md'), 'utf8'));
        expect(section, 'README.md has the acelens-study markers').not.toBeNull();
        expect(section).toBe(readFileSync(file, 'utf8'));
        // and the figure it links exists
        const link = /\]\(([^)]+dimer-curves\.svg)\)/.exec(section!)![1];
        expect(existsSync(join(REPO, link)), link).toBe(true);
    });
});
