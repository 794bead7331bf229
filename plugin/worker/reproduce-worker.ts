/**
 * The body-order study (src/study) off the main thread: parses the four asset texts, runs the study
 * in-process, renders its figures, table and report, and posts them back with the models. Cancelling
 * terminates this worker (see plugin/panels/reproduce-panel.tsx), which stops the work at once.
 */
import { parseExtXyz } from '../../src/io/extxyz';
import type { ModelFile } from '../../src/model/model';
import { SOURCE_POOLS, type SourcePoolId, type StudyData } from '../../src/study/data';
import { studyFigures } from '../../src/study/figures';
import { runStudy, type StudyProgress, type StudyRow } from '../../src/study/reproduce';
import { paperComparison, studyFindings, studyReport } from '../../src/study/report';
import { tableCsv, tableMarkdown } from '../../src/study/table';

export interface ReproduceJob {
    /** extended XYZ text and file name of each pool and of the DFT curve */
    texts: Record<SourcePoolId | 'curve', { name: string; text: string }>;
    quick: boolean;
    seed: number;
    /** e.g. "DFT (GPAW PBE)", from the curve's provenance */
    dftLabel?: string;
}

export interface ReproduceOutput {
    rows: StudyRow[];
    findings: string[];
    paper: string[];
    /** file name → SVG text */
    figures: Record<string, string>;
    tableCsv: string;
    tableMarkdown: string;
    report: string;
    models: Record<string, ModelFile>;
    seconds: number;
    dftPoints: number;
}

export type ReproduceRequest = { type: 'run'; job: ReproduceJob };

export type ReproduceReply =
    | { type: 'progress'; progress: StudyProgress }
    | { type: 'result'; output: ReproduceOutput }
    | { type: 'error'; message: string };

const post = (m: ReproduceReply) => (self as unknown as Worker).postMessage(m);

self.onmessage = async (event: MessageEvent<ReproduceRequest>) => {
    const { job } = event.data;
    try {
        const parse = (k: SourcePoolId | 'curve') => parseExtXyz(job.texts[k].text, { fileName: job.texts[k].name });
        const data: StudyData = {
            datasets: { dimers: parse('dimers'), narrow: parse('narrow'), diverse: parse('diverse') },
            curve: parse('curve'),
            dftLabel: job.dftLabel,
            sources: Object.fromEntries([...SOURCE_POOLS, 'curve' as const].map(k => [k, { name: job.texts[k].name, frames: 0 }])),
        };
        let last = 0;
        const result = await runStudy(data, {
            quick: job.quick,
            settings: { seed: job.seed },
            onProgress: progress => {
                const now = performance.now();
                if (progress.stage === 'done' || now - last > 100) {
                    last = now;
                    post({ type: 'progress', progress });
                }
            },
        });
        const figures = studyFigures(result);
        post({
            type: 'result',
            output: {
                rows: result.rows,
                findings: studyFindings(result).map(f => f.text),
                paper: paperComparison(result).map(f => f.text),
                figures,
                tableCsv: tableCsv(result),
                tableMarkdown: tableMarkdown(result),
                report: studyReport(result, { command: `acelens plugin · Reproduce study${job.quick ? ' (quick)' : ''}`, figures: Object.keys(figures).map(f => `figures/${f}`) }),
                models: result.models,
                seconds: result.seconds,
                dftPoints: result.dft.points.length,
            },
        });
    } catch (e) {
        post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
};
