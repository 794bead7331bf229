/**
 * The custom Plotly bundle: Plotly's core and only the traces the panels draw — scatter (lines), scattergl
 * (parity and error-by-distance plots with 10⁵–10⁶ points) and bar (histograms) — instead of the full build.
 */
import './plotly-global'; // first: plotly.js expects Node's `global`
import Plotly from 'plotly.js/lib/core';
import scatter from 'plotly.js/lib/scatter';
import scattergl from 'plotly.js/lib/scattergl';
import bar from 'plotly.js/lib/bar';

// a trace of a type not registered here is drawn as a scatter line without a word: the histograms (stacked bars)
// were lines until `bar` was registered; test/e2e/workspace.e2e.test.ts checks every drawn trace has its type
Plotly.register([scatter, scattergl, bar]);

export { Plotly };
