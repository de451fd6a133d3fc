// Entry point of the bundled language server the VS Code client starts (dist/server.js).

import { startServer } from './server.js';

startServer();
