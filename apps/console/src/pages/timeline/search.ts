/** The timeline's filters, all in the URL. */
export interface TimelineSearch {
  type?: string;
}

export function validateTimelineSearch(search: Record<string, unknown>): TimelineSearch {
  return typeof search.type === 'string' && search.type ? { type: search.type } : {};
}
