// leet-decoding/notebook: helpers for tslab notebooks — figures inline (plotly.js inlined
// once, works offline), tables, progress that updates in place, a sweep that shows its
// progress — and the kernel's registration.
export { findTslab, type DisplayLike, type TslabLike, type ShowOptions } from "./display";
export { showFigure, figureHTML, loadPlotly, plotlyScript, lineFigure, barFigure, FIGURE_ATTRIBUTE, PLOTTED_ATTRIBUTE, type Series, type LineFigureOptions, type BarFigureOptions } from "./figures";
export { showTable, showText, tableData, tableHTML, type TableData, type TableOptions } from "./table";
export { progress, liveSweep, type Progress, type ProgressOptions } from "./progress";
export { installKernel, findPython, findTslabBinary, type KernelInstall, type KernelInstallOptions } from "./kernel";
