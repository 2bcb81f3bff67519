/**
 * Phase timings for the developers' benchmark work: with QA_TRACE=1 in the
 * environment, each call prints `qa: trace <ms since start> <phase>` to
 * stderr (an import: started, first batch written, rows done, indexes
 * rebuilt, committed; then exit). Silent and free otherwise.
 */
export const trace: (phase: string) => void = process.env.QA_TRACE
  ? (phase) => void process.stderr.write(`qa: trace ${performance.now().toFixed(0)} ms ${phase}\n`)
  : () => {};
