import { Module } from '@nestjs/common';
import { Registry } from '@beacon/core';
import { StateBackendModule } from '../state-backend/state-backend.module.js';
import { NativeViews } from './native-views.js';

/** The renderers more than one module needs: the native views serve /api/v1 and the watch stream. */
@Module({
  imports: [StateBackendModule],
  providers: [{ provide: NativeViews, inject: [Registry], useFactory: (r: Registry) => new NativeViews(r) }],
  exports: [NativeViews],
})
export class WireModule {}
