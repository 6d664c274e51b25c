// Plots: plotly figure specs from sweep results, and standalone HTML.
export { runtimeFigure, errorFigure, throughputFigure, memoryFigure, fastestFigure, reportFigures, PALETTE, type Figure, type Trace, type FigureFilter } from "./figures";
export { toHTML, reportHTML, writeReport, plotlyBundle, escapeHTML, type HtmlOptions, type HtmlTable } from "./html";
