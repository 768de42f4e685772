// Types of the idscan embed helper, served at /id-scan/v1/embed.d.ts.

export interface IdScanEvent {
  /** The transaction the page belongs to. */
  transactionId: string | null;
  /** The result to fetch with GET /transactions/{id}/results/{resultId} (null when expired). */
  resultId: string | null;
}

export interface MountOptions {
  /** Every task is done: fetch the result server-side (never trust the browser with the verdict). */
  onCompleted?: (event: IdScanEvent) => void;
  /** The transaction expired before the end user finished. */
  onExpired?: (event: IdScanEvent) => void;
  /** Bad arguments (not an element, not an https URL). Without it, mount throws instead. */
  onError?: (error: Error) => void;
  /** The iframe's accessible title. */
  title?: string;
}

export interface MountedVerification {
  frame: HTMLIFrameElement;
  /** Remove the iframe and stop listening. */
  unmount(): void;
}

export declare const IdScan: {
  mount(element: Element, url: string, options?: MountOptions): MountedVerification | null;
};

export default IdScan;
