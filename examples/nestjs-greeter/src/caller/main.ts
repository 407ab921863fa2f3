import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { checkSettings, listen } from '../beacon-settings.js';
import { CallerModule } from './caller.module.js';

checkSettings();
const app = await NestFactory.create(CallerModule, { logger: ['log', 'warn', 'error'] });
app.enableShutdownHooks();
await listen(app, 'caller');
