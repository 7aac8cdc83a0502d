/** Where commands write: injected so output stays testable and stdout stays for results only. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  setExitCode: (code: number) => void;
}

export const toJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export const collect = (value: string, previous: string[]): string[] => [...previous, value];
