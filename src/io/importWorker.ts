/**
 * Worker-thread entry for large imports: runs the producer and posts its
 * messages; the main thread acknowledges each batch, and at most
 * MAX_IN_FLIGHT batches wait unacknowledged, so memory stays flat when
 * SQLite is the slower side.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { produce, type ProduceJob } from './producer.js';

const MAX_IN_FLIGHT = 4;

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
  void produce(workerData as ProduceJob, {
    emit: (msg) => {
      if (msg.t === 'rows') inFlight++;
      port.postMessage(msg);
    },
    room: () => (inFlight < MAX_IN_FLIGHT || stop ? undefined : new Promise<void>((r) => (wake = r))),
    shouldStop: () => stop,
  });
}
