import { useEffect, useRef, type FocusEvent } from 'react';

/**
 * Keeps the keyboard focus on a list of cards (`<ul className="cards">` of `<li tabIndex={-1}>`) when what
 * had it goes away: an alert resolved from its card, a silence's Expire once it is expired, a card that no
 * longer fits the filter once the list is read again. The card at the same place (or the last one) takes
 * it, else the page's heading (PageHeader's h1, which can take focus); never the page's body. Give
 * `listRef` and `onFocus` to the list, and the list's items, so it looks again on each change.
 */
export function useFocusKeptInList(items: unknown[]) {
  const listRef = useRef<HTMLUListElement>(null);
  const last = useRef<{ element: Element; index: number } | null>(null);
  const onFocus = (e: FocusEvent<HTMLUListElement>) => {
    const list = listRef.current;
    // Focus in a card's dialog (a portal, outside the list) keeps the button that opened it as the place.
    if (!list || !list.contains(e.target)) return;
    const card = e.target.closest('ul.cards > li');
    last.current = { element: e.target, index: card ? Array.prototype.indexOf.call(list.children, card) : 0 };
  };
  useEffect(() => {
    const was = last.current;
    if (!was || was.element.isConnected) return;
    const active = document.activeElement;
    if (active && active !== document.body) return;
    const cards = listRef.current?.children;
    const next = cards && cards.length > 0 ? (cards[Math.min(was.index, cards.length - 1)] as HTMLElement) : null;
    (next ?? document.querySelector<HTMLElement>('main h1'))?.focus();
  }, [items]);
  return { listRef, onFocus };
}
