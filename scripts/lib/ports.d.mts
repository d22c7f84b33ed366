export function isPortFree(port: number, host?: string): Promise<boolean>;
export function freePort(host?: string): Promise<number>;
export function waitForHttp(url: string, timeoutMs?: number): Promise<void>;
export function waitForTcp(port: number, host?: string, timeoutMs?: number): Promise<void>;
