/**
 * Work a user does not wait for (plots, the dataset's pair-distance histogram) must not delay the first
 * structure: panels start it only after the viewer has drawn its first structure, in the browser's idle time.
 */
import type { PluginContext } from 'molstar/lib/mol-plugin/context';

const shown = new WeakMap<PluginContext, Promise<void>>();

/** How long to wait for a first structure when nothing is being loaded at all (ms). */
const NOTHING_LOADING_MS = 10000;

function hasRepresentation(plugin: PluginContext): boolean {
    return plugin.managers.structure.hierarchy.current.structures.some(s => s.components.some(c => c.representations.length > 0));
}

function idle(): Promise<void> {
    return new Promise(resolve => {
        const ric = (globalThis as any).requestIdleCallback as ((cb: () => void, o?: { timeout: number }) => number) | undefined;
        if (ric) ric(() => resolve(), { timeout: 1000 }); else setTimeout(resolve, 50);
    });
}

/**
 * Resolves once a structure has a representation (or when, after NOTHING_LOADING_MS, no trajectory is being
 * loaded at all), then at the next idle moment. One promise per plugin: later calls resolve at once.
 */
export function afterFirstStructure(plugin: PluginContext): Promise<void> {
    let p = shown.get(plugin);
    if (!p) {
        p = new Promise<void>(resolve => {
            let finished = false;
            // assigned below, after finish() (which a synchronous first check may call) is defined: not const
            // eslint-disable-next-line prefer-const
            let sub: { unsubscribe(): void } | undefined;
            // eslint-disable-next-line prefer-const
            let timer: ReturnType<typeof setInterval> | undefined;
            const finish = () => {
                if (finished) return;
                finished = true;
                sub?.unsubscribe();
                if (timer !== undefined) clearInterval(timer);
                idle().then(resolve);
            };
            const started = Date.now();
            // the acelens app's page says when its first load is over (loaded or failed); other apps: the fallback
            const pageReady = () => (globalThis as any).acelens?.ready === true;
            const check = () => {
                if (hasRepresentation(plugin) || pageReady()) finish();
                else if (Date.now() - started > NOTHING_LOADING_MS && plugin.managers.structure.hierarchy.current.trajectories.length === 0 && !plugin.behaviors.state.isUpdating.value) finish();
            };
            timer = setInterval(check, 250);
            sub = plugin.managers.structure.hierarchy.behaviors.selection.subscribe(check);
            if (finished) sub.unsubscribe();
        });
        shown.set(plugin, p);
    }
    return p;
}

/**
 * Resolves after the next animation frame has been drawn (or after 100 ms where frames are not drawn: a hidden
 * page): for work that must not delay what that frame shows (a selection in 3D before the table, the plots'
 * recolouring after a frame switch).
 */
export function afterNextFrame(): Promise<void> {
    return new Promise(resolve => {
        const timer = setTimeout(resolve, 100);
        requestAnimationFrame(() => setTimeout(() => { clearTimeout(timer); resolve(); }, 0));
    });
}
