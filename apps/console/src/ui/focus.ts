import { useEffect, type RefObject } from 'react';

/**
 * Where focus goes after an action takes away the element that had it. Without this it falls to
 * <body>, and a keyboard or screen-reader user starts again from the top of the page.
 */

let headingWanted = false;

/** The next page's heading takes focus when it shows (call before navigating away after Delete). */
export function focusHeadingNext(): void {
  headingWanted = true;
}

/** Whether a heading was asked for; asking clears it, so only one heading takes it. */
export function takeHeadingFocus(): boolean {
  const wanted = headingWanted;
  headingWanted = false;
  return wanted;
}

/**
 * The first field marked invalid inside `root` (aria-invalid="true"), else its problem message
 * (role="alert"), takes focus: what a user must fix is where they are.
 */
export function focusFirstInvalid(root: HTMLElement | null): void {
  if (!root) return;
  const field = root.querySelector<HTMLElement>('[aria-invalid="true"]');
  if (field) {
    field.focus();
    return;
  }
  const problem = root.querySelector<HTMLElement>('[role="alert"]');
  if (problem) {
    if (!problem.hasAttribute('tabindex')) problem.tabIndex = -1;
    problem.focus();
  }
}

/**
 * focusFirstInvalid each time `error` changes to a new error (a submit that failed). For an error of
 * a query read again on a timer, pass what identifies it instead (the filters and the message), so
 * focus is not pulled back at each read.
 */
export function useFocusFirstInvalid(root: RefObject<HTMLElement | null>, error: unknown): void {
  useEffect(() => {
    if (error) focusFirstInvalid(root.current);
  }, [root, error]);
}
