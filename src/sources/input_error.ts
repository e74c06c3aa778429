/** The one error an input can raise: it names the input, and the line when there is one. */

/** What went wrong with an input. */
export type InputErrorCode =
  | "INPUT_NOT_FOUND"
  | "INPUT_DENIED"
  | "INPUT_IS_DIRECTORY"
  | "INPUT_UNREADABLE"
  | "INPUT_TOO_LARGE"
  | "INPUT_EMPTY"
  | "INPUT_NOT_UNDERSTOOD"
  | "INPUT_BINARY"
  | "LIVE_UNSUPPORTED"
  | "LIVE_UNREADABLE"
  | "PERMISSION_NEEDED";

/** An input that cannot be read, or holds nothing tcpdoc understands. */
export class InputError extends Error {
  override name = "InputError";
  readonly code: InputErrorCode;
  /** The path as the user gave it ("stdin" for "-", "live:/proc/net/tcp" for a live source). */
  readonly path: string;
  /** 1-based line the problem is on, when there is one. */
  readonly line: number | undefined;
  constructor(code: InputErrorCode, path: string, message: string, line?: number) {
    super(message);
    this.code = code;
    this.path = path;
    this.line = line;
  }
}
