// Worker-thread bootstrap: registers the tsx loader (TypeScript at run time), then runs the worker.
import { register } from 'tsx/esm/api';
register();
await import('./workerMain.ts');
