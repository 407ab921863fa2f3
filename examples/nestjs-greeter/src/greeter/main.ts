import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { checkSettings, listen } from '../beacon-settings.js';
import { GreeterModule } from './greeter.module.js';

checkSettings();
const app = await NestFactory.create(GreeterModule, { logger: ['log', 'warn', 'error'] });
// SIGTERM / SIGINT: deregister first, then stop serving.
app.enableShutdownHooks();
await listen(app, 'greeter');
