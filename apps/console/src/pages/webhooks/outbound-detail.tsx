export function OutboundDetailPage() {
  return <h1>OutboundDetailPage</h1>;
}
