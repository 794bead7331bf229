/**
 * The custom Plotly bundle: Plotly's core and only the traces the panels draw — scatter (lines), scattergl
 * (parity and error-by-distance plots with 10⁵–10⁶ points) and histogram — instead of the full build.
 */
import './plotly-global'; // first: plotly.js expects Node's `global`
import Plotly from 'plotly.js/lib/core';
import scatter from 'plotly.js/lib/scatter';
import scattergl from 'plotly.js/lib/scattergl';
import histogram from 'plotly.js/lib/histogram';

Plotly.register([scatter, scattergl, histogram]);

export { Plotly };
