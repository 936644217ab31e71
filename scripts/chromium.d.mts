export declare const chromiumLaunchArgs: string[];
export declare function findChromium(): string | null;
