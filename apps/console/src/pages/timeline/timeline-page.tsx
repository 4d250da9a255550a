export function TimelinePage() {
  return <h1>TimelinePage</h1>;
}
