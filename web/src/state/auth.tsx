/**
 * Who is signed in. The session lives in an HttpOnly cookie the UI cannot read, so the
 * user is learnt from GET /api/auth/me; any 401 from the API sends the user to /login and
 * back to where they were afterwards.
 */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { api, UNAUTHORIZED_EVENT } from "../api/client";
import type { User } from "../api/types";

interface Auth {
  user: User | null;
  checked: boolean;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [checked, setChecked] = useState(false);
  const navigate = useNavigate();
  const location = useLocation();

  useEffect(() => {
    api.me().then(
      (u) => setUser(u),
      () => setUser(null),
    ).finally(() => setChecked(true));
  }, []);

  useEffect(() => {
    const onUnauthorized = () => {
      setUser(null);
      if (location.pathname !== "/login") {
        navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
      }
    };
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, [navigate, location]);

  const login = useCallback(async (username: string, password: string) => {
    await api.login(username, password);
    setUser(await api.me());
  }, []);
  const logout = useCallback(async () => {
    await api.logout().catch(() => undefined);
    setUser(null);
    navigate("/login");
  }, [navigate]);

  return <AuthContext.Provider value={{ user, checked, login, logout }}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const a = useContext(AuthContext);
  if (!a) throw new Error("useAuth outside AuthProvider");
  return a;
}

export function RequireAuth({ children }: { children: ReactNode }) {
  const { user, checked } = useAuth();
  const location = useLocation();
  if (!checked) return <div className="page-center"><span className="spinner" /> Loading…</div>;
  if (!user) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <>{children}</>;
}
