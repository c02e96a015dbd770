/** A section's loading and error lines, shared by the three report sections. */
export function SectionState({ loading, error, what }: { loading: boolean; error: string | null; what: string }) {
  if (error) {
    return (
      <div className="banner banner-error" role="alert">
        Could not load {what}: {error}
      </div>
    );
  }
  if (loading) {
    return (
      <p className="muted" role="status">
        <span className="spinner" /> Computing {what}…
      </p>
    );
  }
  return null;
}

/** What a section needs before it can say anything. */
export function EmptyState({ children }: { children: React.ReactNode }) {
  return <div className="empty-state">{children}</div>;
}
