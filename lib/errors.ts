/**
 * The one base class of the failures a user can fix: bad input, a refused design, a file or folder edge-lab may not
 * read or write. It sits below every layer (model, io, init, azure, emulate), each layer's errors extend it, and the
 * crash handler (lib/io/crash.ts) recognises them by class: the user gets their one-line message, not a defect report.
 */
export class UserError extends Error {
  /** The catalogue rule this failure enforces ("HYB-01", "LAB-POL-09"), when there is one. */
  readonly ruleId?: string;

  constructor(message: string, options: { readonly ruleId?: string } = {}) {
    super(message);
    this.name = new.target.name;
    if (options.ruleId) this.ruleId = options.ruleId;
  }
}
