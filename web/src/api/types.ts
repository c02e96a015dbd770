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

export interface ItemSummary {
  id: number;
  project_id?: number;
  external_id: string | null;
  modality: Modality;
  status: AnnotationStatus | null;
  media?: unknown;
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
  path?: string | (string | number)[];
  message: string;
  code?: string;
  item?: string | null;
}

export interface Waveform {
  /** peaks per channel, each in [-1, 1] */
  peaks: number[][];
  duration: number;
}
