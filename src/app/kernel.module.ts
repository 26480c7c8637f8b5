import { Global, Module } from '@nestjs/common';
import { ChangeBus } from '../bus/change-bus';
import { Clock } from '../time/clock';

/**
 * The clock and the change bus: one instance each per process, which every
 * feature injects (global, like the configuration: a second copy would split
 * the bus and let a change miss a listener).
 */
@Global()
@Module({
  providers: [Clock, ChangeBus],
  exports: [Clock, ChangeBus],
})
export class KernelModule {}
