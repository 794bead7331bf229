/**
 * `npm run bench [-- <name> ...]`: runs the registered benchmarks (all, or those named).
 * To add one: create bench/<name>.ts calling registerBench(...) and add its import line below.
 */
import { registeredBenches } from './registry';
import './evaluator';
import './fit';
import './gap20';
import './scan';
import './study';
import './peer';
import './shards';
import './ui';
import './ui-steps';
import './startup';

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    const names = args.filter((a) => !a.startsWith('-'));
    const selected = registeredBenches().filter((b) => (names.length === 0 && !b.onlyWhenNamed) || names.includes(b.name));
    if (selected.length === 0) {
        console.error(`no benchmark named ${names.join(', ')}; available: ${registeredBenches().map((b) => b.name).join(', ')}`);
        process.exit(1);
    }
    for (const b of selected) {
        console.log(`\n=== ${b.name}: ${b.description} ===`);
        await b.run(args);
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
