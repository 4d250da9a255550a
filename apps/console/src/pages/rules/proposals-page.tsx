export function ProposalsPage() {
  return <h1>ProposalsPage</h1>;
}
