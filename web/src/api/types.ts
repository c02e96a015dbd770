/**
 * The API's shapes under the names the UI uses. Every wire shape comes from the generated
 * schema (src/api/schema.d.ts: `npm run gen:api` over openapi.json, which the server
 * writes), so a server change shows up as a type error here and where the field is used.
 * The only shapes defined here are the UI's views of a reply: an item with its content
 * flattened and one displayable URL per media file, and annotation states carrying the
 * editors' immutable document type.
 */
import type { AnnotationDoc } from "../domain/annotation";
import type { components } from "./schema";

/** Every schema of the OpenAPI document, as the server sends and reads it. */
export type Wire = components["schemas"];

export type Modality = Wire["Modality"];
export type Role = Wire["Role"];
export type AnnotationStatus = Wire["AnnotationState"]["status"];
export type User = Wire["UserInfo"];
export type Project = Wire["ProjectInfo"];
export type ProjectSummary = Wire["ProjectSummary"];
export type OntologyVersion = Wire["OntologyBody"];
export type MediaSummary = Wire["MediaSummary"];
export type ItemSummary = Wire["ItemSummary"];
export type ItemPage = Wire["ItemPage"];
export type Violation = Wire["ViolationBody"];
export type Waveform = Wire["Waveform"];
export type ErrorBody = Wire["ErrorBody"];

/** A media file of an item, with the URL the browser shows it from (DICOM as PNG). */
export type MediaInfo = Wire["MediaInfo"] & { display_url: string };

/** An item as the editors use it (from `ItemBody`: content flattened, URLs per media). */
export interface Item {
  id: number;
  project_id: number;
  external_id: string | null;
  modality: Modality;
  text: string | null;
  media: MediaInfo[];
  meta: Record<string, unknown>;
}

/** `AnnotationState` with the editors' document type. */
export type AnnotationState = Omit<Wire["AnnotationState"], "document"> & { document: AnnotationDoc };

/** `SaveRequest` with the editors' document type. */
export type SaveRequest = Omit<Wire["SaveRequest"], "document"> & { document: AnnotationDoc };
