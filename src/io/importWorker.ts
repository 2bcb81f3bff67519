/**
 * Worker-thread entry for large imports: runs the producer and posts its
 * messages; the main thread acknowledges each batch, and at most
 * MAX_IN_FLIGHT batches wait unacknowledged, so memory stays flat when
 * SQLite is the slower side.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { produce, type ProduceJob } from './producer.js';

const MAX_IN_FLIGHT = 4;

/** What the main thread gives the worker: the job, and a counter of batches it has written (shared memory). */
export interface WorkerJob {
  job: ProduceJob;
  handled: Int32Array;
}

if (parentPort) {
  const port = parentPort;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  let stop = false;
  port.on('message', (m: { t: 'ack' } | { t: 'stop' }) => {
    if (m.t === 'ack') inFlight--;
    else stop = true;
    if (wake && (inFlight < MAX_IN_FLIGHT || stop)) {
      const w = wake;
      wake = null;
      w();
    }
  });
  const { job, handled } = workerData as WorkerJob;
  let posted = 0;
  void produce(job, {
    emit: (msg) => {
      if (msg.t === 'rows') {
        inFlight++;
        posted++;
      }
      port.postMessage(msg);
    },
    room: () => (inFlight < MAX_IN_FLIGHT || stop ? undefined : new Promise<void>((r) => (wake = r))),
    shouldStop: () => stop,
    // Two or more batches waiting: the writer is the slower side, so the ranks are done here. Read
    // from shared memory: the acknowledgements arrive only when this thread's event loop turns,
    // and a chunk of the file is parsed without turning it.
    rankHere: () => posted - Atomics.load(handled, 0) >= 2,
  });
}
