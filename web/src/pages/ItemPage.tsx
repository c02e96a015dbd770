/**
 * One item in its editor: loads the item, its project and the current ontology, starts the
 * annotation session and hands them to the editor or viewer of the item's modality.
 */
import { useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api } from "../api/client";
import type { Item, Project } from "../api/types";
import { EditorBar } from "../components/EditorBar";
import { SessionBanners } from "../components/SessionBanners";
import type { AnnotationDoc } from "../domain/annotation";
import { documentProblemsByKind, parseOntology, type Ontology } from "../domain/ontology";
import { nextItemId } from "../state/nextItem";
import { useAnnotationSession } from "../state/useAnnotationSession";
import { AudioEditor } from "../tools/audio/AudioEditor";
import type { EditorProps } from "../tools/editorProps";
import { ImageEditor } from "../tools/image/ImageEditor";
import { PointCloudViewer } from "../tools/pointcloud/PointCloudViewer";
import { TextEditor } from "../tools/text/TextEditor";
import { VideoViewer } from "../tools/video/VideoViewer";

const EDITORS: Record<string, (p: EditorProps) => React.ReactNode> = {
  image: ImageEditor,
  text: TextEditor,
  audio: AudioEditor,
  video: VideoViewer,
  pointcloud: PointCloudViewer,
};

interface Loaded {
  item: Item;
  project: Project;
  ontology: Ontology;
}

export function ItemPage() {
  const iid = Number(useParams().itemId);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setLoaded(null);
    setError(null);
    (async () => {
      const item = await api.item(iid);
      const [project, onto] = await Promise.all([api.project(item.project_id), api.ontology(item.project_id)]);
      return { item, project, ontology: parseOntology(onto.document, onto.version) };
    })().then(
      (l) => live && setLoaded(l),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [iid]);

  if (error) {
    return (
      <main className="page-center">
        <div className="banner banner-error" role="alert">Cannot open item {iid}: {error}</div>
        <Link to="/" className="btn">Back to projects</Link>
      </main>
    );
  }
  if (!loaded) return <div className="page-center"><span className="spinner" /> Loading item…</div>;
  return <ItemWorkspace key={iid} {...loaded} />;
}

function ItemWorkspace({ item, project, ontology }: Loaded) {
  const problems = useMemo(() => (doc: AnnotationDoc) => documentProblemsByKind(ontology, doc), [ontology]);
  const s = useAnnotationSession(item.id, problems);
  const navigate = useNavigate();
  const [nextMsg, setNextMsg] = useState<string | null>(null);
  const Editor = EDITORS[item.modality];
  const readOnly = item.modality === "video" || item.modality === "pointcloud";

  const onNext = async () => {
    if (!(await s.save())) return; // the banner says why; the work stays here
    const id = await nextItemId(project.id, item.id);
    if (id === null) setNextMsg("That was the last open item of this project.");
    else navigate(`/items/${id}`);
  };

  return (
    <div className="workspace">
      <EditorBar project={project} item={item} s={s} onNext={() => void onNext()} readOnly={readOnly} />
      <SessionBanners s={s} />
      {nextMsg && <div className="banner banner-info" role="status">{nextMsg}</div>}
      {s.loadError && <div className="banner banner-error" role="alert">Cannot load the annotation: {s.loadError}</div>}
      {!s.ready && !s.loadError && <div className="page-center"><span className="spinner" /> Loading annotation…</div>}
      {s.ready && Editor && <Editor item={item} ontology={ontology} s={s} />}
      {s.ready && !Editor && <p className="muted">No viewer for {item.modality} items yet.</p>}
    </div>
  );
}
