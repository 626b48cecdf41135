import cliProgress from 'cli-progress';
import type { ProgressEvent } from '../run/runCatalog.ts';

/**
 * Progress of `ntk-audit run`: a live multi-bar display on a terminal (per theorem: instances,
 * current worst relative margin, estimated time left), plain one-line-per-theorem output when stderr
 * is not a TTY or CI is set.
 */
export interface ProgressDisplay {
  onEvent(e: ProgressEvent): void;
  stop(): void;
}

const fmtMargin = (m: number) => (Number.isFinite(m) ? (m >= 0 ? '+' : '') + m.toExponential(2) : 'n/a');

export function createProgress(total: number, opts: { live: boolean; stream?: NodeJS.WriteStream }): ProgressDisplay {
  const stream = opts.stream ?? process.stderr;
  let finished = 0;
  if (!opts.live) {
    return {
      onEvent(e) {
        if (e.type !== 'done') return;
        finished++;
        const r = e.report;
        const mark = r.asExpected ? '' : '  <-- unexpected';
        stream.write(
          `[${String(finished).padStart(String(total).length)}/${total}] ${r.status.padEnd(12)} ${r.id}  ${r.evaluated} instances, ${r.identity ? `max |lhs − rhs|/err ${fmtMargin(r.identity.maxResidualRatio ?? NaN)}` : `worst margin ${fmtMargin(r.worstRelativeMargin ?? NaN)}`}, ${(r.timings.ms / 1000).toFixed(1)} s${mark}\n`,
        );
      },
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      format: ' {bar} {percentage}% | {id} | {value}/{total} instances | worst {margin} | ~{eta}s left',
      hideCursor: true,
      clearOnComplete: false,
      stream,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  const overall = multi.create(total, 0, { id: 'theorems', margin: '', eta: 0 }, { format: ' {bar} {value}/{total} theorems done' });
  const bars = new Map<number, cliProgress.SingleBar>();
  return {
    onEvent(e) {
      if (e.type === 'start') bars.set(e.index, multi.create(Math.max(1, e.planned), 0, { id: e.theoremId, margin: 'n/a' }));
      else if (e.type === 'progress') bars.get(e.index)?.update(e.evaluated, { margin: fmtMargin(e.worstRelativeMargin) });
      else {
        const b = bars.get(e.index);
        if (b) {
          b.update(b.getTotal(), { id: `${e.report.id} → ${e.report.status}`, margin: fmtMargin(e.report.worstRelativeMargin ?? NaN) });
          b.stop();
          multi.remove(b);
          bars.delete(e.index);
        }
        overall.increment();
      }
    },
    stop() {
      multi.stop();
    },
  };
}
