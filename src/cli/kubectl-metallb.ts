#!/usr/bin/env node
// kubectl finds plugins by name: `kubectl metallb lint ...` runs this file.
import { main } from './main.js';

await main('kubectl metallb');
