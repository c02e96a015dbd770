/** The top bar of the list pages: product name, the signed-in user, sign out. */
import { Link } from "react-router";
import { useAuth } from "../state/auth";

export function AppHeader() {
  const { user, logout } = useAuth();
  return (
    <header className="app-header">
      <Link to="/" className="brand" aria-label="ontolabel home">
        <span className="brand-mark" aria-hidden="true" />
        ontolabel
      </Link>
      {user && (
        <div className="header-user">
          <span className="muted">Signed in as</span> <b>{user.username}</b>
          <button type="button" className="btn btn-sm btn-ghost" onClick={() => void logout()}>
            Sign out
          </button>
        </div>
      )}
    </header>
  );
}
