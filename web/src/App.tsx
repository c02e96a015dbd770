/** Routes with real URLs; everything but the login page needs a signed-in user. */
import { lazy, Suspense } from "react";
import { BrowserRouter, Route, Routes } from "react-router";
import { AuthProvider, RequireAuth } from "./state/auth";
import { ItemPage } from "./pages/ItemPage";
import { LoginPage } from "./pages/LoginPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { ProjectPage } from "./pages/ProjectPage";
import { ProjectsPage } from "./pages/ProjectsPage";
import { TransferPage } from "./pages/TransferPage";

// the charting library is only fetched when a Quality page is opened
const QualityPage = lazy(() => import("./pages/QualityPage").then((m) => ({ default: m.QualityPage })));

export function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="/" element={<RequireAuth><ProjectsPage /></RequireAuth>} />
          <Route path="/projects/:projectId" element={<RequireAuth><ProjectPage /></RequireAuth>} />
          <Route path="/projects/:projectId/transfer" element={<RequireAuth><TransferPage /></RequireAuth>} />
          <Route path="/projects/:projectId/quality" element={<RequireAuth><Suspense fallback={null}><QualityPage /></Suspense></RequireAuth>} />
          <Route path="/items/:itemId" element={<RequireAuth><ItemPage /></RequireAuth>} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </AuthProvider>
    </BrowserRouter>
  );
}
