import { DynamicModule, Module } from '@nestjs/common';
import {
  REFERENCE_HOLDERS,
  RESOURCE_DEFINITIONS,
  References,
  type ReferenceHolder,
} from './references';
import type { ResourceDefinition } from './resource-definition';

/**
 * References (what must exist, what cannot be deleted while named) over the
 * registries the app passes in once: features inject References without
 * knowing the list of resources, which lives above them (src/app/).
 */
@Module({})
export class ReferencesModule {
  static forRoot(
    definitions: readonly ResourceDefinition[],
    holders: readonly ReferenceHolder[],
  ): DynamicModule {
    return {
      module: ReferencesModule,
      global: true,
      providers: [
        { provide: RESOURCE_DEFINITIONS, useValue: definitions },
        { provide: REFERENCE_HOLDERS, useValue: holders },
        References,
      ],
      exports: [References, RESOURCE_DEFINITIONS],
    };
  }
}
