import { cpus, freemem, loadavg, type as osType, release, totalmem } from 'node:os'
import { type RuntimeInfo, runtimeInfo } from './runtime'

/** The machine and runtime a report was measured on. */
export interface MachineInfo extends RuntimeInfo {
  cpu: string
  cores: number
  memoryBytes: number
  freeMemoryBytes: number
  os: string
  /** 1-minute load average at the start: other work on a shared machine skews the figures. */
  load: number
}

/**
 * What the figures were measured on.
 *
 * @example
 * const { cpu, cores, runtime, version } = machineInfo()
 */
export function machineInfo(): MachineInfo {
  const list = cpus()
  return {
    ...runtimeInfo(),
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
    os: `${osType()} ${release()}`,
    load: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  }
}
