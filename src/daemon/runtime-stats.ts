// Node.js counterparts of the Go runtime figures for /api/daemon/performance:
// memory, GC, event-loop delay and utilisation, CPU time.
import { monitorEventLoopDelay, performance, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import os from 'node:os';

export interface PerformanceReport {
  memory: { rss: number; heap_used: number; heap_total: number; external: number; array_buffers: number };
  gc: { count: number; total_pause_seconds: number };
  event_loop: { delay_p50_ms: number; delay_p99_ms: number; delay_max_ms: number; utilization: number };
  runtime: {
    node_version: string;
    pid: number;
    uptime_seconds: number;
    platform: string;
    arch: string;
    cpu_count: number;
  };
  cpu: { user_seconds: number; system_seconds: number };
}

/**
 * How often the event-loop delay is sampled. Each sample is a timer wake-up of an otherwise
 * idle daemon; at 20 ms (and prom-client's own monitor at 10 ms) an idle daemon spent about
 * 9 ms of CPU a second on them. Node's histogram counts the interval in every sample (an
 * idle loop reads 100 ms), so the figures reported here are the lateness past it: 0 means
 * no delay, and a stall shows as the timer fires late by the stall's length.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

/** A sample of Node's delay histogram (ns, the interval included) as ms late past the interval. */
export function lateMs(sampleNs: number): number {
  return Math.max(0, sampleNs / 1e6 - EVENT_LOOP_SAMPLE_MS);
}

export class RuntimeStats {
  private readonly delay: IntervalHistogram;
  private readonly gcObserver: PerformanceObserver;
  private gcCount = 0;
  private gcPauseMs = 0;
  private elu = performance.eventLoopUtilization();

  constructor() {
    this.delay = monitorEventLoopDelay({ resolution: EVENT_LOOP_SAMPLE_MS });
    this.delay.enable();
    this.gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        this.gcCount++;
        this.gcPauseMs += entry.duration;
      }
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
  }

  /** Event-loop delay p99 (ms late) since the last call, for stall warnings. */
  takeDelayP99Ms(): number {
    const p99 = lateMs(this.delay.percentile(99));
    this.delay.reset();
    return p99;
  }

  report(): PerformanceReport {
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    const elu = performance.eventLoopUtilization(this.elu);
    return {
      memory: {
        rss: mem.rss,
        heap_used: mem.heapUsed,
        heap_total: mem.heapTotal,
        external: mem.external,
        array_buffers: mem.arrayBuffers,
      },
      gc: { count: this.gcCount, total_pause_seconds: this.gcPauseMs / 1000 },
      event_loop: {
        delay_p50_ms: lateMs(this.delay.percentile(50)),
        delay_p99_ms: lateMs(this.delay.percentile(99)),
        delay_max_ms: lateMs(this.delay.max),
        utilization: elu.utilization,
      },
      runtime: {
        node_version: process.version,
        pid: process.pid,
        uptime_seconds: process.uptime(),
        platform: process.platform,
        arch: process.arch,
        cpu_count: os.availableParallelism(),
      },
      cpu: { user_seconds: cpu.user / 1e6, system_seconds: cpu.system / 1e6 },
    };
  }

  stop(): void {
    this.delay.disable();
    this.gcObserver.disconnect();
  }
}
