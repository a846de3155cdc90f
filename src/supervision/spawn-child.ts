import { ActorCell, type CellHost, type ExitListener } from '../actors/actor-cell';
import { DynamicSupervisor } from './dynamic-supervisor-actor';
import type { ChildSpec } from './spec';
import { StaticSupervisor } from './supervisor-actor';
import { supervisorBehavior } from './supervisor-behavior';

/** Makes (but does not start) a new incarnation of `spec` under `parentPath`. @internal */
export function spawnChild(host: CellHost, spec: ChildSpec, path: string, listener: ExitListener): ActorCell {
  switch (spec.kind) {
    case 'actor':
      return new ActorCell(host, spec, path, listener, spec.behavior);
    case 'supervisor':
      return new ActorCell(
        host,
        spec,
        path,
        listener,
        supervisorBehavior((self) => new StaticSupervisor(spec, host, self, spawnChild)),
      );
    case 'dynamic-supervisor':
      return new ActorCell(
        host,
        spec,
        path,
        listener,
        supervisorBehavior((self) => new DynamicSupervisor(spec, host, self, spawnChild)),
      );
  }
}
