// Benchmarks: the sweep runner, its JSON schema, progress, tables, and the check.
export { sweep, fitRows, SWEEP_DEFAULTS, DEFAULT_DECAYS, type SweepOptions, type SweepProgress, type SweepCallbacks } from "./sweep";
export { validateResults, RESULTS_SCHEMA, RESULTS_SCHEMA_VERSION, type SweepResults, type SweepRow, type SweepHeader, type SweepConfig, type FitRow, type RowStatus } from "./schema";
export { terminalProgress, describeProgress } from "./progress";
export { resultsTable, resultsSummary, resultCells, formatDecay, RESULT_HEADERS } from "./table";
export { checkMethods, CHECK_TOLERANCE, CHECK_DECAYS, CHECK_SHAPE, type CheckOptions, type CheckRow } from "./check";
export { referenceSample, sampledError, type ReferenceSample } from "./sample";
