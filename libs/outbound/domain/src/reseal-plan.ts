import { sealedKeyOf, type SecretBox } from './secret-box';

/** The sealed values of one webhook still in use: its latest custom headers and the secrets still signing. */
export interface SealedValuesInUse {
  headers: Record<string, string>;
  secrets: ReadonlyArray<{ id: string; sealed: string }>;
}

/** A value that moves to the current key: which one (a header's name or a secret's id), and from which key. */
export interface MovedValue {
  value: string;
  fromKey: string;
}

/** A value that could not be opened (its key is not configured, or it is damaged): it keeps its old seal. */
export interface UnopenedValue {
  value: string;
  key: string;
  reason: string;
}

/** What a re-seal changes of one webhook; nothing here is a plain value. */
export interface ResealPlan {
  /** The whole header map, re-sealed where needed; undefined when no header moves. */
  headers?: Record<string, string>;
  /** The secrets that move, with their new seals. */
  secrets: Array<{ id: string; sealed: string }>;
  moved: MovedValue[];
  unopened: UnopenedValue[];
}

/**
 * Seals again, with the current key, each value sealed with another one: the same plain value, so what
 * a delivery carries and how it is signed does not change. Values that cannot be opened are listed and
 * left as they are (the re-seal of the others still goes ahead).
 */
export function planReseal(values: SealedValuesInUse, box: SecretBox): ResealPlan {
  const plan: ResealPlan = { secrets: [], moved: [], unopened: [] };
  const reseal = (value: string, sealed: string): string | undefined => {
    if (!box.isStale(sealed)) return undefined;
    try {
      const moved = box.seal(box.open(sealed));
      plan.moved.push({ value, fromKey: sealedKeyOf(sealed) });
      return moved;
    } catch (error) {
      plan.unopened.push({ value, key: sealedKeyOf(sealed), reason: (error as Error).message });
      return undefined;
    }
  };

  const headers: Record<string, string> = {};
  let headerMoved = false;
  for (const [name, sealed] of Object.entries(values.headers)) {
    const moved = reseal(`header ${name}`, sealed);
    headers[name] = moved ?? sealed;
    headerMoved ||= moved !== undefined;
  }
  if (headerMoved) plan.headers = headers;

  for (const secret of values.secrets) {
    const moved = reseal(`secret ${secret.id}`, secret.sealed);
    if (moved !== undefined) plan.secrets.push({ id: secret.id, sealed: moved });
  }
  return plan;
}

/** Whether a plan has anything to publish. */
export function hasChanges(plan: ResealPlan): boolean {
  return plan.headers !== undefined || plan.secrets.length > 0;
}
