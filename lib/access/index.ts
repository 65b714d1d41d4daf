export type { ExecOptions, ExecResult, Shell } from './shell';
export { quoteArgv } from './quote';
export { SshPool, type SshPoolOptions, type SshTarget } from './ssh';
export { LocalShell } from './local';
export { namespaceShell } from './namespace';
