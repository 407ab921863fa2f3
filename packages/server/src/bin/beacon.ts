#!/usr/bin/env node
/** The `beacon` command of the installed package: `beacon [--help | --version | reset-admin-password]`. */
import '../main.js';
