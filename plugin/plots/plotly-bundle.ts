/**
 * The custom Plotly bundle: Plotly's core and only the traces the panels draw — scatter (lines), scattergl
 * (parity and error-by-distance plots with 10⁵–10⁶ points) and histogram — instead of the full build.
 */
// @ts-expect-error plotly.js ships no type declarations for its lib/ modules
import Plotly from 'plotly.js/lib/core';
// @ts-expect-error see above
import scatter from 'plotly.js/lib/scatter';
// @ts-expect-error see above
import scattergl from 'plotly.js/lib/scattergl';
// @ts-expect-error see above
import histogram from 'plotly.js/lib/histogram';

Plotly.register([scatter, scattergl, histogram]);

export { Plotly };
