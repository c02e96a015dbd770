/**
 * Shapes of the REST API (docs/spine.md) as the UI uses them. The generated schema
 * (src/api/schema.d.ts, `npm run gen:api`) is the authority; these names are what the rest
 * of the UI imports, so a server change shows up as a type error in one place.
 */
import type { AnnotationDoc } from "../domain/annotation";

export type Modality = "text" | "image" | "audio" | "video" | "pointcloud";
export type Role = "owner" | "annotator" | "reviewer" | "viewer";
export type AnnotationStatus = "draft" | "submitted";

export interface User {
  id: number;
  username: string;
  is_admin: boolean;
}

export interface Project {
  id: number;
  name: string;
  description: string;
  modality: Modality;
  guideline: string;
  ontology_version: number;
  role: Role;
}

export interface ProjectSummary extends Project {
  item_count: number;
  submitted_count: number;
}

export interface OntologyVersion {
  version: number;
  document: unknown;
}

export interface MediaInfo {
  modality: Modality;
  mime: string;
  sha256: string;
  size: number;
  name: string;
  width?: number | null;
  height?: number | null;
  duration?: number | null;
  frame_rate?: string | null;
  frame_count?: number | null;
  sample_rate?: number | null;
  channels?: number | null;
  point_count?: number | null;
  extra?: Record<string, unknown>;
  /** where to fetch the bytes, when the server says so */
  url?: string | null;
  display_url?: string | null;
}

export interface MediaSummary {
  sha256: string;
  name: string;
  mime: string;
  modality: Modality;
  width: number | null;
  height: number | null;
  duration: number | null;
}

export interface ItemSummary {
  id: number;
  external_id: string | null;
  modality: Modality;
  media: MediaSummary[];
  /** the start of a text item */
  preview: string | null;
  /** the caller's status on this item */
  status: "new" | AnnotationStatus;
  revision: number;
}

export interface ItemPage {
  items: ItemSummary[];
  next_after: number | null;
}

export interface Item {
  id: number;
  project_id: number;
  external_id: string | null;
  modality: Modality;
  text: string | null;
  media: MediaInfo[];
  meta: Record<string, unknown>;
}

export interface AnnotationState {
  revision: number;
  status: AnnotationStatus;
  document: AnnotationDoc;
  updated_at: string | null;
}

export interface SaveRequest {
  base_revision: number;
  document: AnnotationDoc;
  status: AnnotationStatus;
}

export interface Violation {
  path?: string | null;
  message: string;
  file?: string | null;
  line?: number | null;
  item?: string | null;
}

export interface Waveform {
  buckets: number;
  duration: number | null;
  /** (min, max) in [-1, 1] per bucket */
  peaks: [number, number][];
}
