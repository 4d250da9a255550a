/** Settings of the evaluator (from the app's validated config). */
export interface EvaluationOptions {
  /** Type globs of the change events a fired alert carries as context (default `deploy.*`). */
  contextTypes: string[];
  /** How far back the context reaches (ms; default 30 minutes). */
  contextWindowMs: number;
}

export const EVALUATION_OPTIONS = Symbol('EVALUATION_OPTIONS');
