import { Link } from "react-router";

export function NotFoundPage() {
  return (
    <main className="page-center">
      <h1>Not found</h1>
      <p className="muted">There is nothing at this address.</p>
      <Link to="/" className="btn">Back to projects</Link>
    </main>
  );
}
